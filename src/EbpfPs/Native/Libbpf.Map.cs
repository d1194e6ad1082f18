using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>libbpf's struct bpf_map accessors and the raw map syscalls.</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_map__name(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_map__fd(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_map__pin_path(nint map);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool bpf_map__is_pinned(nint map);

    internal static string MapName(nint map) => Str(bpf_map__name(map)) ?? "";

    internal static string? MapPinPath(nint map) => Str(bpf_map__pin_path(map));
}
