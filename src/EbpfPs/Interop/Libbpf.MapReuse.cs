using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// Handing an opened object's map an existing kernel map before load, so the object's programs use that map
/// instead of a new one (how two loads of one object come to share their maps).
/// </summary>
internal readonly unsafe partial struct NativeMap
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__reuse_fd(nint map, int fd);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__type(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__key_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__value_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__max_entries(nint map);

    /// <summary>The definition the load would create the map with, to check a map to reuse against.</summary>
    internal (Kernel.BpfMapType Type, uint KeySize, uint ValueSize, uint MaxEntries) Definition =>
        ((Kernel.BpfMapType)bpf_map__type(_m), bpf_map__key_size(_m), bpf_map__value_size(_m),
            bpf_map__max_entries(_m));

    /// <summary>The load uses the map behind fd (libbpf keeps a duplicate; the caller's fd stays its own).</summary>
    internal Result ReuseFd(SafeFdHandle fd)
    {
        bool added = false;
        try
        {
            fd.DangerousAddRef(ref added);
            return Result.FromReturn(bpf_map__reuse_fd(_m, (int)fd.DangerousGetHandle()));
        }
        finally
        {
            if (added)
                fd.DangerousRelease();
        }
    }
}
