using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Answers "what does this kernel support" by asking it: libbpf's probes load tiny programs and
/// maps, and the rest is read from procfs/sysfs. Nothing here attaches anything.
/// </summary>
public static partial class FeatureProbe
{
    public const string System = "System", ProgramType = "ProgramType", MapType = "MapType", Helper = "Helper",
        Interface = "Interface";

    public static readonly string[] Categories = { System, ProgramType, MapType, Helper };

    /// <summary>
    /// Probes the given categories (all when null); each probe loads a tiny program, so ask only for what you need.
    /// </summary>
    public static IEnumerable<BpfFeature> Probe(IReadOnlyCollection<string>? categories = null)
    {
        NativeRuntime.EnsureLibbpf();
        bool Wanted(string c) => categories is null || categories.Contains(c, StringComparer.OrdinalIgnoreCase);
        if (Wanted(System))
            foreach (BpfFeature f in SystemFeatures()) yield return f;
        if (Wanted(ProgramType))
            foreach (BpfProgType type in KernelTypes.ProgramTypes())
                yield return Supported(ProgramType, Libbpf.TypeName(type), Libbpf.ProbeProgramType(type),
                    ProgramTypeDetail(type));
        if (Wanted(MapType))
            foreach (BpfMapType type in KernelTypes.MapTypes())
                yield return Supported(MapType, Libbpf.TypeName(type), Libbpf.ProbeMapType(type));
        if (Wanted(Helper))
            // The helpers that decide what the built-in programs can do, for both hooks.
            foreach (BpfProgType prog in new[] { BpfProgType.Xdp, BpfProgType.SchedCls })
                foreach (BpfFunc helper in Enum.GetValues<BpfFunc>())
                    yield return Supported(Helper, HelperName(prog, helper), Libbpf.ProbeHelper(prog, (int)helper));
    }

    /// <summary>
    /// XDP modes an interface supports, from the driver's XDP features; nothing is attached to find out.
    /// </summary>
    public static IReadOnlyList<BpfFeature> InterfaceFeatures(string name, string? netns) =>
        NetNamespace.Run(netns, () =>
    {
        int index = NetInterfaces.IndexOf(name, netns);
        XdpFeatures? flags = NetdevFamily.ReadXdpFeatures(index).OrThrow("ask the kernel for the XDP features of",
            name);
        string source = flags is null ? "the kernel does not report XDP features (before Linux 6.3)"
            : $"driver XDP features: {Describe(flags.Value)}";
        bool? Has(XdpFeatures f) => flags is null ? null : (flags.Value & f) != 0;
        var rows = new[]
        {
            new BpfFeature(Interface, "XdpNative", Has(XdpFeatures.Basic), null, source),
            new BpfFeature(Interface, "XdpGeneric", true, null, "any interface, after the skb is built"),
            new BpfFeature(Interface, "XdpOffload", Has(XdpFeatures.HwOffload), null, source),
            new BpfFeature(Interface, "XdpRedirectTarget", Has(XdpFeatures.NdoXmit), null,
                "frames can be XDP-redirected into it natively"),
        };
        return (IReadOnlyList<BpfFeature>)rows.Select(r => r with { Interface = name }).ToArray();
    });

    private static IEnumerable<BpfFeature> SystemFeatures()
    {
        yield return new BpfFeature(System, "Kernel", true, Read("/proc/sys/kernel/osrelease"));
        string? jit = Read("/proc/sys/net/core/bpf_jit_enable");
        yield return new BpfFeature(System, "Jit", jit is null ? null : jit != "0", jit, "net.core.bpf_jit_enable");
        yield return new BpfFeature(System, "KernelBtf", Tools.Exists("/sys/kernel/btf/vmlinux"),
            "/sys/kernel/btf/vmlinux");
        yield return new BpfFeature(System, "BpfFs", BpfFs.IsMounted(), BpfFs.DefaultRoot);
        string? unpriv = Read("/proc/sys/kernel/unprivileged_bpf_disabled");
        yield return new BpfFeature(System, "UnprivilegedBpf", unpriv is null ? null : unpriv == "0", unpriv,
            "kernel.unprivileged_bpf_disabled");
        yield return new BpfFeature(System, "PossibleCpus", true,
            Libbpf.PossibleCpus().OrThrow("count possible CPUs").ToString());
        yield return TcxFeature();
        yield return LiveFramesFeature();
    }

    /// <summary>Live frames (BPF_F_TEST_XDP_LIVE_FRAMES), the kernel's traffic generator, for this process.</summary>
    private static BpfFeature LiveFramesFeature()
    {
        Result probe = LiveFrames.Probe();
        return new BpfFeature(System, "LiveFrames", probe.Ok, probe.Ok ? "yes" : ErrnoText.Describe(probe.Errno),
            probe.Ok ? "BPF_F_TEST_XDP_LIVE_FRAMES: Measure-HookThroughput and Send-BpfTestPacket send with it"
                : "BPF_F_TEST_XDP_LIVE_FRAMES refused: Measure-HookThroughput and Send-BpfTestPacket send through a " +
                  "packet socket instead");
    }

    /// <summary>
    /// tcx (bpf_link based TC, kernel 6.6+): a read-only BPF_PROG_QUERY on lo that old kernels refuse with EINVAL.
    /// </summary>
    private static BpfFeature TcxFeature()
    {
        Result<uint> query = BpfSystem.Current.QueryAttachedCount(1, BpfAttachType.TcxIngress);
        return new BpfFeature(System, "Tcx", query.Ok, query.Ok ? "yes" : ErrnoText.Describe(query.Errno),
            "bpf_link based TC attach (BPF_TCX_INGRESS/EGRESS)");
    }

    private static string? ProgramTypeDetail(BpfProgType type) => type switch
    {
        BpfProgType.Tracing => "needed for fentry/fexit",
        BpfProgType.Ext => "needed for freplace",
        _ => null,
    };

    private static BpfFeature Supported(string category, string name, Result<bool> probe, string? detail = null) =>
        probe.Ok
            ? new BpfFeature(category, name, probe.Value, null, detail)
            : new BpfFeature(category, name, null, "unknown",
                $"probe failed: {ErrnoText.Describe(probe.Errno)}{(detail is null ? "" : "; " + detail)}");

    /// <summary>Feature names as the kernel's netdev family spells them (basic, redirect, ndo-xmit, ...).</summary>
    private static string Describe(XdpFeatures flags) =>
        flags == XdpFeatures.None ? "none" : string.Join(", ", Enum.GetValues<XdpFeatures>()
            .Where(f => f != XdpFeatures.None && (flags & f) != 0).Select(f =>
                KernelNames.Snake(f.ToString()).ToLowerInvariant().Replace('_', '-')));

    private static string? Read(string path) => Tools.ReadText(path)?.Trim();
}
