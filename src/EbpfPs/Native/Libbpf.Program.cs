using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>libbpf's struct bpf_program accessors (valid while the owning object is open).</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_program__name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_program__section_name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_program__fd(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_program__set_type(nint prog, int type);

    internal static string ProgramName(nint prog) => Str(bpf_program__name(prog)) ?? "";

    internal static string ProgramSection(nint prog) => Str(bpf_program__section_name(prog)) ?? "";
}
