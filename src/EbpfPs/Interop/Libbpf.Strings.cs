using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// libbpf's names for kernel enums, its error text and the CPU count, so we say things as bpftool does.
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_prog_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_map_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_link_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_attach_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_strerror(int err, byte* buf, nuint size);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_num_possible_cpus();

    /// <summary>A number this libbpf has no name for yet reads as the number, as bpftool prints it.</summary>
    internal static string TypeName(BpfProgType type) => Str(libbpf_bpf_prog_type_str((int)type))
        ?? ((int)type).ToString();
    internal static string TypeName(BpfMapType type) => Str(libbpf_bpf_map_type_str((int)type))
        ?? ((int)type).ToString();
    internal static string TypeName(BpfLinkType type) => Str(libbpf_bpf_link_type_str((int)type))
        ?? ((int)type).ToString();
    /// <summary>libbpf's name of an attach type (tcx_ingress), or null when this libbpf has none for it.</summary>
    internal static string? AttachTypeName(BpfAttachType type) => Str(libbpf_bpf_attach_type_str((int)type));

    /// <summary>True when this libbpf knows the program type by name (it knows the ones it can load).</summary>
    internal static bool KnowsType(BpfProgType type) => libbpf_bpf_prog_type_str((int)type) != 0;
    internal static bool KnowsType(BpfMapType type) => libbpf_bpf_map_type_str((int)type) != 0;

    internal static string StrError(int errno)
    {
        byte* buf = stackalloc byte[256];
        libbpf_strerror(errno, buf, 256);
        return Marshal.PtrToStringUTF8((nint)buf) ?? $"error {errno}";
    }

    internal static Result<int> PossibleCpus() => Result.Of(libbpf_num_possible_cpus());
}
