using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// What an opened object's map will be (type, sizes, flags, BTF types) and handing it an existing map before load,
/// so a new build of an object keeps the maps of the build it replaces.
/// </summary>
internal readonly unsafe partial struct NativeMap
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__type(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__key_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__value_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__max_entries(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__map_flags(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__btf_key_type_id(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial uint bpf_map__btf_value_type_id(nint map);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool bpf_map__is_internal(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__reuse_fd(nint map, int fd);

    internal BpfMapType MapType => (BpfMapType)bpf_map__type(_m);
    internal uint KeySize => bpf_map__key_size(_m);
    internal uint ValueSize => bpf_map__value_size(_m);
    internal uint MaxEntries => bpf_map__max_entries(_m);
    internal uint Flags => bpf_map__map_flags(_m);
    /// <summary>The key's type in the object's BTF (0 when the map has none).</summary>
    internal uint BtfKeyTypeId => bpf_map__btf_key_type_id(_m);
    internal uint BtfValueTypeId => bpf_map__btf_value_type_id(_m);
    /// <summary>A data section (.rodata, .data, .bss, .kconfig) rather than a map the source declares.</summary>
    internal bool IsInternal => bpf_map__is_internal(_m);

    /// <summary>
    /// Makes the load use an existing map instead of creating one (libbpf keeps a duplicate of fd; the caller's
    /// stays the caller's).
    /// </summary>
    internal Result ReuseFd(SafeFdHandle fd) => Result.FromReturn(bpf_map__reuse_fd(_m, fd.Fd));
}
