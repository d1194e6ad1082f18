using System;
using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>
/// A hook point by name, as a user says it: Measure-HookThroughput's -Hook and a desired-state file's Hook. Each
/// name stands for one HookPoint (BpfHooks.PointOf); Stack names the kernel's own path, where no program runs.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum BpfHook
{
    /// <summary>XDP in the driver (XDP_FLAGS_DRV_MODE).</summary>
    XdpNative,
    /// <summary>XDP after the skb is built (XDP_FLAGS_SKB_MODE).</summary>
    XdpGeneric,
    /// <summary>A cls_bpf filter on clsact ingress.</summary>
    TcIngress,
    /// <summary>A cls_bpf filter on clsact egress.</summary>
    TcEgress,
    /// <summary>A tcx ingress link (kernel 6.6+).</summary>
    Tcx,
    /// <summary>No program: the kernel's own path (its forwarding, with -Routed), as the baseline.</summary>
    Stack,
}

/// <summary>What each named hook means, in one place.</summary>
public static class BpfHooks
{
    /// <summary>The hooks a desired-state file may name.</summary>
    public static readonly IReadOnlyList<BpfHook> StateHooks =
        new[] { BpfHook.XdpNative, BpfHook.XdpGeneric, BpfHook.TcIngress, BpfHook.TcEgress };

    /// <summary>The hooks Measure-HookThroughput compares.</summary>
    public static readonly IReadOnlyList<BpfHook> MeasureHooks =
        new[] { BpfHook.XdpNative, BpfHook.XdpGeneric, BpfHook.TcIngress, BpfHook.Tcx, BpfHook.Stack };

    /// <summary>Where a named hook attaches; null for Stack, where nothing is attached.</summary>
    public static HookPoint? PointOf(BpfHook hook) => hook switch
    {
        BpfHook.XdpNative => new XdpHookPoint(XdpMode.Native),
        BpfHook.XdpGeneric => new XdpHookPoint(XdpMode.Generic),
        BpfHook.TcIngress => new TcHookPoint(TcDirection.Ingress),
        BpfHook.TcEgress => new TcHookPoint(TcDirection.Egress),
        BpfHook.Tcx => new TcHookPoint(TcDirection.Ingress, TcMode.Tcx),
        BpfHook.Stack => null,
        _ => throw new ArgumentOutOfRangeException(nameof(hook), hook, null),
    };

    /// <summary>Which build of a program runs at the hook (built-ins come in an XDP and a TC build).</summary>
    public static BpfHookKind? KindOf(BpfHook hook) => PointOf(hook)?.Kind;
}
