using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>libbpf's feature probes: each loads a tiny program or map and reports whether the kernel took it.</summary>
internal static partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_prog_type(int progType, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_map_type(int mapType, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_helper(int progType, int helperId, nint opts);

    /// <summary>1 supported, 0 not, negative errno when the probe itself could not run.</summary>
    internal static int ProbeProgramType(int type) => libbpf_probe_bpf_prog_type(type, 0);
    internal static int ProbeMapType(int type) => libbpf_probe_bpf_map_type(type, 0);
    internal static int ProbeHelper(int progType, int helper) => libbpf_probe_bpf_helper(progType, helper, 0);
}
