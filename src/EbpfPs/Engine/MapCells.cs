using System;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Raw reads and writes of single map elements by fd, in the kernel's own layout. Per-CPU values
/// are round_up(value_size, 8) bytes per possible CPU, which is how the kernel copies them out.
/// </summary>
public static unsafe class MapCells
{
    public static int PerCpuStride(uint valueSize) => (int)((valueSize + 7) & ~7u);

    public static void Update(int fd, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags = Libbpf.MapAny, string? what = null)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            Libbpf.Check(Libbpf.bpf_map_update_elem(fd, k, v, flags), "update an element of map", what);
    }

    /// <summary>Fills value with the element's bytes; false when the key is not in the map.</summary>
    public static bool TryLookup(int fd, ReadOnlySpan<byte> key, Span<byte> value, string? what = null)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            int rc = Libbpf.bpf_map_lookup_elem(fd, k, v);
            if (rc == -LinuxErrno.ENOENT) return false;
            Libbpf.Check(rc, "look up an element of map", what);
            return true;
        }
    }
}
