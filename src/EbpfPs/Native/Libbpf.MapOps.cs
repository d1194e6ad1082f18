using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>The map element syscalls: lookup, update, delete, iterate, batch lookup. Return 0 or -errno.</summary>
internal static unsafe partial class Libbpf
{
    internal const ulong MapAny = 0, MapNoExist = 1, MapExist = 2;

    [StructLayout(LayoutKind.Sequential)]
    internal struct MapBatchOpts
    {
        public nuint Size;
        public ulong ElemFlags;
        public ulong Flags;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map_lookup_elem(int fd, void* key, void* value);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map_update_elem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map_delete_elem(int fd, void* key);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map_get_next_key(int fd, void* key, void* nextKey);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_lookup_batch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, MapBatchOpts* opts);

    internal static int MapLookupBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, ref uint count)
    {
        var opts = new MapBatchOpts { Size = (nuint)sizeof(MapBatchOpts) };
        fixed (uint* c = &count)
            return bpf_map_lookup_batch(fd, inBatch, outBatch, keys, values, c, &opts);
    }
}
