using System;
using System.Collections.Generic;
using System.Linq;

namespace EbpfPs.Engine.Measuring;

/// <summary>One sample of one hook at one size: sent, received, what the program and the router's stack said.</summary>
internal sealed record MeasurementSample
{
    public ulong Received { get; init; }
    public ulong Sent { get; init; }
    public double Seconds { get; init; }
    public ulong? ProgramPackets { get; init; }
    public ulong? StackForwarded { get; init; }
    public double? ProgramNs { get; init; }
    public ulong? Retransmits { get; init; }
    /// <summary>iperf3's own rate (goodput); live frames derive bits from packets and size.</summary>
    public double? IperfBitsPerSecond { get; init; }
    public double? ZeroLossOffered { get; init; }
    public IReadOnlyList<RateTrial>? Trials { get; init; }
    /// <summary>Runs of the program while statistics were held, and frames the receiver counted meanwhile.</summary>
    public ulong? ProgramRuns { get; init; }
    public ulong? FramesOverRuns { get; init; }
    /// <summary>IP packets the stack of the program's namespace received meanwhile (IP InReceives).</summary>
    public ulong? StackReceivedOverRuns { get; init; }

    public double Pps => Seconds > 0 ? Received / Seconds : 0;
    public double OfferedPps => Seconds > 0 ? Sent / Seconds : 0;
    /// <summary>What the median is taken over: iperf3's rate, or packets per second.</summary>
    public double Rank => IperfBitsPerSecond ?? Pps;
}

/// <summary>Turns the samples of one hook and size into the result: the median, with min, max and spread.</summary>
internal static class MeasurementSummary
{
    /// <summary>
    /// A program that drops, redirects or bounces every frame leaves the stack behind it (almost) nothing; one that
    /// passes frames on feeds it. GRO may merge up to about 45 passed TCP frames into one IP packet after XDP, so
    /// 1 IP packet for every 100 runs already says the program passed what it saw.
    /// </summary>
    private static string? PassVerdict(BpfHook hook, MeasurementSample s) =>
        s.ProgramRuns is ulong runs && runs > 0 && s.StackReceivedOverRuns is ulong stack && stack * 100 >= runs
            ? BpfHooks.KindOf(hook) == BpfHookKind.Xdp ? "XDP_PASS" : "TC_ACT_OK"
            : null;

    public static HookThroughput Summarize(List<MeasurementSample> samples, BpfHook hook, int size,
        HookMeasurementOptions options, XdpMode? mode, string network, int? cpu, IEnumerable<string> notes)
    {
        var ordered = samples.OrderBy(s => s.Rank).ToList();
        MeasurementSample median = ordered[ordered.Count / 2];
        double pps = Math.Round(median.Pps);
        double rank = median.Rank;
        var allNotes = notes.ToList();
        bool tcp = options.Traffic == MeasureTraffic.Tcp;
        if (hook == BpfHook.Stack)
            allNotes.Insert(0, "no program attached: the kernel's own path" + (options.Routed ? " (forwarding)" : ""));
        return new HookThroughput
        {
            Hook = hook,
            Program = options.ProgramLabel,
            PacketSize = size,
            Packets = median.Received,
            // iperf3 counts no TCP segments sent, so Sent and Lost would only be zeros that were never measured.
            Sent = tcp ? null : median.Sent,
            Lost = tcp ? null : median.Sent > median.Received ? median.Sent - median.Received : 0,
            Seconds = Math.Round(median.Seconds, 4),
            PacketsPerSecond = pps,
            BitsPerSecond = median.IperfBitsPerSecond is double bps ? Math.Round(bps) : pps * size * 8,
            NsPerPacket = pps > 0 ? Math.Round(1e9 / pps, 2) : 0,
            Samples = samples.Count,
            MinPacketsPerSecond = Math.Round(samples.Min(s => s.Pps)),
            MaxPacketsPerSecond = Math.Round(samples.Max(s => s.Pps)),
            Spread = samples.Count < 2 ? null
                : rank > 0 ? Math.Round((ordered[^1].Rank - ordered[0].Rank) / rank, 4) : 0,
            SamplePacketsPerSecond = samples.Select(s => Math.Round(s.Pps)).ToArray(),
            SampleBitsPerSecond = samples.Select(s => Math.Round(s.IperfBitsPerSecond ?? s.Pps * size * 8)).ToArray(),
            Kernel = MeasuredPath.KernelRelease(),
            Cpus = Environment.ProcessorCount,
            GroOnReceiver = true,
            XdpModeInForce = mode,
            Network = network,
            Note = allNotes.Count == 0 ? null : string.Join("; ", allNotes),
            Conditions = MeasurementConditions.Short(allNotes),
            Traffic = options.Traffic,
            Flows = options.Flows,
            ProgramPackets = median.ProgramPackets,
            // iperf3 traffic goes both ways through the router, so only live frames can agree with B exactly.
            CountersAgree = median.ProgramPackets is ulong counted && options.Traffic == MeasureTraffic.LiveFrames
                ? counted == median.Received : null,
            StackForwarded = median.StackForwarded,
            ProgramNsPerPacket = median.ProgramNs is double ns ? Math.Round(ns, 2) : null,
            Retransmits = median.Retransmits,
            GeneratorCpu = cpu,
            ZeroLossOfferedPacketsPerSecond = median.ZeroLossOffered is double o ? Math.Round(o) : null,
            Trials = median.Trials,
            ProgramRuns = median.ProgramRuns,
            FramesPerProgramRun = median.ProgramRuns is > 0 && median.FramesOverRuns is ulong frames
                ? Math.Round((double)frames / median.ProgramRuns.Value, 2) : null,
            ReceiveOffload = options.ReceiveOffload,
            StackReceived = median.ProgramRuns is > 0 ? median.StackReceivedOverRuns : null,
            ProgramVerdict = PassVerdict(hook, median),
        };
    }
}
