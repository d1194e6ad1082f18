using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>libbpf's names for kernel enums and its error text, so we name things exactly as bpftool does.</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_prog_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_bpf_map_type_str(int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_strerror(int err, byte* buf, nuint size);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_num_possible_cpus();

    /// <summary>Type names for numbers this libbpf does not know yet fall back to the number, as bpftool prints them.</summary>
    internal static string ProgTypeName(int type) => Str(libbpf_bpf_prog_type_str(type)) ?? type.ToString();
    internal static string MapTypeName(int type) => Str(libbpf_bpf_map_type_str(type)) ?? type.ToString();

    internal static string StrError(int errno)
    {
        byte* buf = stackalloc byte[256];
        libbpf_strerror(errno, buf, 256);
        return Marshal.PtrToStringUTF8((nint)buf) ?? $"error {errno}";
    }

    internal static int PossibleCpus()
    {
        int n = libbpf_num_possible_cpus();
        return n > 0 ? n : throw Engine.BpfException.FromErrno(-n, "count possible CPUs");
    }
}
