using System;
using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>What Measure-HookThroughput sends.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum MeasureTraffic
{
    /// <summary>Crafted frames from the kernel's live-frames generator (BPF_PROG_RUN).</summary>
    LiveFrames,
    /// <summary>One iperf3 TCP stream from client A to client B through the router.</summary>
    Tcp,
    /// <summary>iperf3 UDP at full speed from client A to client B through the router.</summary>
    Udp,
}

/// <summary>One rate a zero-loss search tried: offered, arrived, and whether the loss was within tolerance.</summary>
public sealed record RateTrial(double OfferedPacketsPerSecond, double PacketsPerSecond, ulong Sent, ulong Received,
    double LossRatio, bool Passed)
{
    public override string ToString() =>
        $"{OfferedPacketsPerSecond:N0} -> {PacketsPerSecond:N0} pps ({LossRatio:P2} lost{(Passed ? "" : ", failed")})";
}

/// <summary>One hook at one packet size: what the receiver saw, and the conditions it was seen under.</summary>
public sealed record HookThroughput
{
    public BpfHook Hook { get; init; }
    public string Program { get; init; } = "";
    /// <summary>
    /// Frame size on the wire including the 4-byte FCS, as packet sizes are usually quoted (64 = minimum).
    /// </summary>
    public int PacketSize { get; init; }
    /// <summary>Frames the receiving interface counted, in the median sample.</summary>
    public ulong Packets { get; init; }
    /// <summary>
    /// Frames the generator handed to the sender interface (datagrams with -Traffic Udp), in the median sample;
    /// null with -Traffic Tcp, where nothing counts what was sent.
    /// </summary>
    public ulong? Sent { get; init; }
    /// <summary>Sent minus received: frames the veth pair or the receiver dropped (null with -Traffic Tcp).</summary>
    public ulong? Lost { get; init; }
    public double Seconds { get; init; }
    /// <summary>Median over the samples of received packets per second.</summary>
    public double PacketsPerSecond { get; init; }
    public double BitsPerSecond { get; init; }
    public double NsPerPacket { get; init; }
    public int Samples { get; init; }
    public double MinPacketsPerSecond { get; init; }
    public double MaxPacketsPerSecond { get; init; }
    /// <summary>(max - min) / median over the samples: how noisy the machine was; null for one sample.</summary>
    public double? Spread { get; init; }
    public IReadOnlyList<double> SamplePacketsPerSecond { get; init; } = Array.Empty<double>();
    /// <summary>Each sample's bits per second (iperf3's rate with -Traffic Tcp or Udp), for min-max bars.</summary>
    public IReadOnlyList<double> SampleBitsPerSecond { get; init; } = Array.Empty<double>();
    public string Kernel { get; init; } = "";
    public int Cpus { get; init; }
    public bool GroOnReceiver { get; init; }
    /// <summary>The XDP mode the kernel reported after attaching (null at the TC hooks).</summary>
    public XdpMode? XdpModeInForce { get; init; }
    public string Network { get; init; } = "";
    public string? Note { get; init; }
    /// <summary>
    /// The conditions of Note in a few words each, shown once above a table of rows (Get-Help
    /// about_EbpfPs_Measuring says what each means).
    /// </summary>
    public IReadOnlyList<string> Conditions { get; init; } = Array.Empty<string>();
    public MeasureTraffic Traffic { get; init; }
    /// <summary>Distinct 5-tuples sent round-robin (live frames).</summary>
    public int Flows { get; init; } = 1;
    /// <summary>
    /// Packets the program under test counted in its own maps (the sum of `packets` fields) during the median
    /// sample; null when it has no such map.
    /// </summary>
    public ulong? ProgramPackets { get; init; }
    /// <summary>True when the program's own count equals what the receiver counted (null without counters).</summary>
    public bool? CountersAgree { get; init; }
    /// <summary>Packets the router namespace's own stack forwarded in the sample (IP ForwDatagrams); -Routed.</summary>
    public ulong? StackForwarded { get; init; }
    /// <summary>
    /// Nanoseconds per run of the program itself (run_time_ns / run_cnt with BPF_ENABLE_STATS), beside
    /// NsPerPacket for the whole path.
    /// </summary>
    public double? ProgramNsPerPacket { get; init; }
    /// <summary>TCP segments iperf3 sent again (-Traffic Tcp).</summary>
    public ulong? Retransmits { get; init; }
    /// <summary>The CPU the live-frames generator was pinned to.</summary>
    public int? GeneratorCpu { get; init; }
    /// <summary>
    /// The highest offered rate whose loss was within LossTolerance (-ZeroLoss); PacketsPerSecond is what
    /// arrived at it.
    /// </summary>
    public double? ZeroLossOfferedPacketsPerSecond { get; init; }
    /// <summary>Every rate the zero-loss search tried for the median sample, in the order tried.</summary>
    public IReadOnlyList<RateTrial>? Trials { get; init; }
    /// <summary>Runs of the program under test in the median sample (run_cnt, with BPF statistics held).</summary>
    public ulong? ProgramRuns { get; init; }
    /// <summary>
    /// Frames the receiver counted per run of the program: about 1 where the program sees every frame (XDP), more
    /// where GRO merged frames before it (TC with ReceiveOffload On); null without a program or statistics.
    /// </summary>
    public double? FramesPerProgramRun { get; init; }
    /// <summary>GRO on the router's interfaces (-Traffic Tcp or Udp); live frames always run with it on.</summary>
    public ReceiveOffload ReceiveOffload { get; init; } = ReceiveOffload.On;
    /// <summary>
    /// IP packets the stack of the program's namespace received over the runs counted in ProgramRuns (IP
    /// InReceives): frames the program passed on reach it, frames it dropped or redirected do not.
    /// </summary>
    public ulong? StackReceived { get; init; }
    /// <summary>
    /// XDP_PASS or TC_ACT_OK when StackReceived shows the program passed the frames on (then the row measures the
    /// kernel's stack behind it as much as the program); null when it did not or nothing says.
    /// </summary>
    public string? ProgramVerdict { get; init; }
}
