using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Inventory;

/// <summary>The names Probe would answer for, without probing anything (what Tab offers for -Name).</summary>
public static partial class FeatureProbe
{
    private static readonly string[] SystemNames =
        { "Kernel", "Jit", "KernelBtf", "BpfFs", "UnprivilegedBpf", "PossibleCpus", "Tcx", "LiveFrames" };

    private static readonly string[] InterfaceNames =
        { "XdpNative", "XdpGeneric", "XdpOffload", "XdpRedirectTarget" };

    /// <summary>Feature names of the categories (all when null or empty), in the order Probe returns them.</summary>
    public static IEnumerable<string> Names(IReadOnlyCollection<string>? categories = null)
    {
        bool Wanted(string c) => categories is null || categories.Count == 0
            || categories.Contains(c, StringComparer.OrdinalIgnoreCase);
        if (Wanted(System))
            foreach (string n in SystemNames) yield return n;
        if (Wanted(ProgramType))
            foreach (BpfProgType type in KernelTypes.ProgramTypes()) yield return Libbpf.TypeName(type);
        if (Wanted(MapType))
            foreach (BpfMapType type in KernelTypes.MapTypes()) yield return Libbpf.TypeName(type);
        if (Wanted(Helper))
            foreach (BpfProgType prog in HelperProgramTypes)
                foreach (BpfFunc helper in Enum.GetValues<BpfFunc>())
                    yield return HelperName(prog, helper);
        if (Wanted(Interface))
            foreach (string n in InterfaceNames) yield return n;
    }

    /// <summary>The hooks whose helpers decide what the built-in programs can do.</summary>
    private static readonly BpfProgType[] HelperProgramTypes = { BpfProgType.Xdp, BpfProgType.SchedCls };

    /// <summary>A helper as the Helper category names it: xdp/bpf_redirect_map.</summary>
    private static string HelperName(BpfProgType prog, BpfFunc helper) =>
        $"{Libbpf.TypeName(prog)}/bpf_{KernelNames.Snake(helper.ToString()).ToLowerInvariant()}";
}
