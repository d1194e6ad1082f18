using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>libbpf's feature probes: each loads a tiny program or map and reports whether the kernel took it.</summary>
internal static partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_prog_type(int progType, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_map_type(int mapType, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int libbpf_probe_bpf_helper(int progType, int helperId, nint opts);

    /// <summary>True or false as the kernel answered; an errno when the probe itself could not run.</summary>
    internal static Result<bool> ProbeProgramType(BpfProgType type) => Probe(libbpf_probe_bpf_prog_type((int)type, 0));
    internal static Result<bool> ProbeMapType(BpfMapType type) => Probe(libbpf_probe_bpf_map_type((int)type, 0));
    internal static Result<bool> ProbeHelper(BpfProgType type, int helper) =>
        Probe(libbpf_probe_bpf_helper((int)type, helper, 0));

    private static Result<bool> Probe(int rc) => rc < 0 ? (Errno)(-rc) : rc == 1;
}
