using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>What can be changed about an opened object's map before load.</summary>
internal readonly unsafe partial struct NativeMap
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__set_max_entries(nint map, uint maxEntries);

    /// <summary>Resizes the map before load (EBUSY once the object is loaded).</summary>
    internal Result SetMaxEntries(uint maxEntries) => Result.FromReturn(bpf_map__set_max_entries(_m, maxEntries));
}
