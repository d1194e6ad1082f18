using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Answers "what does this kernel support" by asking it: libbpf's probes load tiny programs and
/// maps, and the rest is read from procfs/sysfs. Nothing here attaches anything.
/// </summary>
public static class FeatureProbe
{
    public const string System = "System", ProgramType = "ProgramType", MapType = "MapType", Helper = "Helper", Interface = "Interface";

    // Helpers that decide what the seed's programs can do, checked for both hooks.
    private static readonly (int Id, string Name)[] Helpers =
    {
        (1, "map_lookup_elem"), (10, "l3_csum_replace"), (18, "skb_vlan_push"), (19, "skb_vlan_pop"), (23, "redirect"),
        (28, "csum_diff"), (44, "xdp_adjust_head"), (51, "redirect_map"), (65, "xdp_adjust_tail"), (69, "fib_lookup"),
        (130, "ringbuf_output"), (152, "redirect_neigh"), (155, "redirect_peer"),
    };

    private const int ProgTypeSchedCls = 3, ProgTypeXdp = 6, AttachTcxIngress = 46;

    public static readonly string[] Categories = { System, ProgramType, MapType, Helper };

    /// <summary>Probes the given categories (all when null); each probe loads a tiny program, so ask only for what you need.</summary>
    public static IEnumerable<BpfFeature> Probe(IReadOnlyCollection<string>? categories = null)
    {
        NativeRuntime.EnsureLibbpf();
        bool Wanted(string c) => categories is null || categories.Contains(c, StringComparer.OrdinalIgnoreCase);
        if (Wanted(System))
            foreach (BpfFeature f in SystemFeatures()) yield return f;
        if (Wanted(ProgramType))
            foreach ((int id, string name) in KernelTypes.ProgramTypes())
                yield return Supported(ProgramType, name, Libbpf.ProbeProgramType(id), ProgramTypeDetail(name));
        if (Wanted(MapType))
            foreach ((int id, string name) in KernelTypes.MapTypes())
                yield return Supported(MapType, name, Libbpf.ProbeMapType(id));
        if (Wanted(Helper))
            foreach (int prog in new[] { ProgTypeXdp, ProgTypeSchedCls })
                foreach ((int id, string name) in Helpers)
                    yield return Supported(Helper, $"{Libbpf.ProgTypeName(prog)}/bpf_{name}", Libbpf.ProbeHelper(prog, id));
    }

    /// <summary>XDP modes an interface supports, from the driver's XDP features; nothing is attached to find out.</summary>
    public static IReadOnlyList<BpfFeature> InterfaceFeatures(string name, string? netns) => NetNamespace.Run(netns, () =>
    {
        int index = NetInterfaces.IndexOf(name, netns);
        Netlink.XdpFeatureFlags? flags = Netlink.XdpFeatures.Read(index);
        string source = flags is null ? "the kernel does not report XDP features (before Linux 6.3)" : $"driver XDP features: {flags}";
        bool? Has(Netlink.XdpFeatureFlags f) => flags is null ? null : (flags.Value & f) != 0;
        var rows = new[]
        {
            new BpfFeature(Interface, "XdpNative", Has(Netlink.XdpFeatureFlags.Basic), null, source),
            new BpfFeature(Interface, "XdpGeneric", true, null, "any interface, after the skb is built"),
            new BpfFeature(Interface, "XdpOffload", Has(Netlink.XdpFeatureFlags.HwOffload), null, source),
            new BpfFeature(Interface, "XdpRedirectTarget", Has(Netlink.XdpFeatureFlags.NdoXmit), null, "frames can be XDP-redirected into it natively"),
        };
        return (IReadOnlyList<BpfFeature>)rows.Select(r => r with { Interface = name }).ToArray();
    });

    private static IEnumerable<BpfFeature> SystemFeatures()
    {
        yield return new BpfFeature(System, "Kernel", true, Read("/proc/sys/kernel/osrelease"));
        string? jit = Read("/proc/sys/net/core/bpf_jit_enable");
        yield return new BpfFeature(System, "Jit", jit is null ? null : jit != "0", jit, "net.core.bpf_jit_enable");
        yield return new BpfFeature(System, "KernelBtf", File.Exists("/sys/kernel/btf/vmlinux"), "/sys/kernel/btf/vmlinux");
        yield return new BpfFeature(System, "BpfFs", BpfFs.IsMounted(), BpfFs.DefaultRoot);
        string? unpriv = Read("/proc/sys/kernel/unprivileged_bpf_disabled");
        yield return new BpfFeature(System, "UnprivilegedBpf", unpriv is null ? null : unpriv == "0", unpriv, "kernel.unprivileged_bpf_disabled");
        yield return new BpfFeature(System, "PossibleCpus", true, Libbpf.PossibleCpus().ToString());
        yield return TcxFeature();
    }

    /// <summary>tcx (bpf_link based TC, kernel 6.6+): a read-only BPF_PROG_QUERY on lo that old kernels refuse with EINVAL.</summary>
    private static BpfFeature TcxFeature()
    {
        int rc = Libbpf.QueryAttached(1, AttachTcxIngress, out _);
        return new BpfFeature(System, "Tcx", rc >= 0, rc >= 0 ? "yes" : LinuxErrno.Describe(-rc), "bpf_link based TC attach (BPF_TCX_INGRESS/EGRESS)");
    }

    private static string? ProgramTypeDetail(string name) => name switch
    {
        "tracing" => "needed for fentry/fexit",
        "ext" => "needed for freplace",
        _ => null,
    };

    private static BpfFeature Supported(string category, string name, int rc, string? detail = null) =>
        rc < 0
            ? new BpfFeature(category, name, null, "unknown", $"probe failed: {LinuxErrno.Describe(-rc)}{(detail is null ? "" : "; " + detail)}")
            : new BpfFeature(category, name, rc == 1, null, detail);

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
