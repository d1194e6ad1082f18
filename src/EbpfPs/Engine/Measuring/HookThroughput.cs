using System;
using System.Collections.Generic;

namespace EbpfPs;

/// <summary>The hooks Measure-HookThroughput compares.</summary>
public enum MeasureHook
{
    XdpNative,
    XdpGeneric,
    TcIngress,
    Tcx,
}

/// <summary>One hook at one packet size: what the receiver saw, and the conditions it was seen under.</summary>
public sealed record HookThroughput
{
    public MeasureHook Hook { get; init; }
    public string Program { get; init; } = "";
    /// <summary>
    /// Frame size on the wire including the 4-byte FCS, as packet sizes are usually quoted (64 = minimum).
    /// </summary>
    public int PacketSize { get; init; }
    /// <summary>Frames the receiving interface counted, in the median sample.</summary>
    public ulong Packets { get; init; }
    /// <summary>Frames the generator handed to the sender interface, in the median sample.</summary>
    public ulong Sent { get; init; }
    /// <summary>Sent minus received: frames the veth pair or the receiver dropped before the hook.</summary>
    public ulong Lost { get; init; }
    public double Seconds { get; init; }
    /// <summary>Median over the samples of received packets per second.</summary>
    public double PacketsPerSecond { get; init; }
    public double BitsPerSecond { get; init; }
    public double NsPerPacket { get; init; }
    public int Samples { get; init; }
    public double MinPacketsPerSecond { get; init; }
    public double MaxPacketsPerSecond { get; init; }
    /// <summary>(max - min) / median over the samples: how noisy the machine was.</summary>
    public double Spread { get; init; }
    public IReadOnlyList<double> SamplePacketsPerSecond { get; init; } = Array.Empty<double>();
    public string Kernel { get; init; } = "";
    public int Cpus { get; init; }
    public bool GroOnReceiver { get; init; }
    /// <summary>The XDP mode the kernel reported after attaching (null at the TC hooks).</summary>
    public XdpMode? XdpModeInForce { get; init; }
    public string Network { get; init; } = "";
    public string? Note { get; init; }
}
