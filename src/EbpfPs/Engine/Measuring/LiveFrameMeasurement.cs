using System;
using System.Collections.Generic;
using System.Net;
using System.Net.NetworkInformation;
using System.Threading;
using EbpfPs.Engine.Packets;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// Live frames through a hook: the program on the receiving end of a Pair (or on the router's A side),
/// the generator on the sending end, the receiver's counters as the count. Each sample is a warm-up,
/// the timed run, and a short run with run-time statistics on for the program's own cost.
/// </summary>
internal static class LiveFrameMeasurement
{
    /// <summary>Frames sent before each sample: caches warm, pages faulted in, the generator's rate known.</summary>
    public const int WarmupFrames = 1 << 16;
    /// <summary>Frames sent after each sample with BPF_ENABLE_STATS held, for ProgramNsPerPacket.</summary>
    public const int StatsFrames = 1 << 16;
    /// <summary>Source address and port of flow 0 when there are several (flow i adds i to both).</summary>
    private static readonly IPAddress FlowSourceBase = IPAddress.Parse("198.19.0.1");
    private const ushort FlowPortBase = 1024;

    /// <summary>Where the frames go and what the run looks like; shared by every sample of one measurement.</summary>
    private sealed record Context(HookMeasurementOptions Options, BpfTestInterface Sender, BpfTestInterface HookSide,
        BpfTestInterface Receiver, int Cpu)
    {
        /// <summary>Told the frames sent so far and the seconds taken during a timed run (for progress).</summary>
        public Action<ulong, double>? Sending { get; init; }

        /// <summary>With -Routed, the router's namespace: its stack's forwarding is counted too.</summary>
        public string? RouterNs => Options.Routed ? HookSide.NetNamespace : null;
    }

    public static IReadOnlyList<HookThroughput> Measure(HookMeasurementOptions options, BpfTestNetwork network,
        IReadOnlyDictionary<BpfHookKind, AttachableProgram> programs, Action<string, int>? progress,
        CancellationToken cancel)
    {
        // Pair: the program sits where the frames arrive. Routed: on the router's ingress, counted at B.
        BpfTestInterface sender = options.Routed ? network["ClientA"] : network["A"];
        BpfTestInterface hookSide = options.Routed ? network["RouterA"] : network["B"];
        BpfTestInterface receiver = options.Routed ? network["ClientB"] : network["B"];
        int mtu = MeasuredPath.Mtu(sender);
        foreach (int size in options.PacketSizes)
            if (size > FrameSizes.LargestFrame(mtu))
                throw new BpfException(ErrorId.InvalidPacketSize,
                    $"A {size}-byte frame does not fit the {mtu}-byte MTU of {sender.Interface} " +
                    $"(largest: {FrameSizes.LargestFrame(mtu)}).", size);
        int cpu = options.GeneratorCpu ?? LiveFrameGenerator.DefaultCpu();
        var ctx = new Context(options, sender, hookSide, receiver, cpu);

        // One generator per size, made at its first sample and kept for the rounds after.
        var generators = new Dictionary<int, IFrameSource>();
        using MeasurementSetup setup = MeasurementSetup.ForLiveFrames(network, hookSide, receiver, options.Routed);
        try
        {
            return HookInterleaving.Run(new Interleaving
            {
                Options = options,
                Sizes = options.PacketSizes,
                AttachOn = new[] { hookSide },
                Programs = programs,
                Network = network.Name,
                Cpu = cpu,
                Status = slot => $"{slot.Hook}, {slot.Size} bytes, round {slot.Round + 1} of {options.Repeat}",
                Sample = (slot, token) =>
                {
                    if (!generators.TryGetValue(slot.Size, out IFrameSource? generator))
                        generators[slot.Size] = generator = FrameSources.Open(sender.NetNamespace,
                            sender.Ifindex, Settings(ctx, slot.Size, null), cpu);
                    // A long sample (a large -Count, say) reports how far it got about once a second.
                    Context sampleCtx = ctx with
                    {
                        Sending = (sent, seconds) => slot.Report(
                            $"{sent:N0}{(options.Count is ulong c ? $" of {c:N0}" : "")} frames sent",
                            Fraction(options, sent, seconds)),
                    };
                    return Sample(sampleCtx, generator, slot.Size, slot.Own, token);
                },
            }, () => Notes(options, setup), progress, cancel);
        }
        finally
        {
            foreach (IFrameSource g in generators.Values) g.Dispose();
        }
    }

    /// <summary>One sample: a timed run (or a zero-loss search), then the program's own cost.</summary>
    private static MeasurementSample Sample(Context ctx, IFrameSource generator, int size, ProgramCounters? own,
        CancellationToken cancel)
    {
        MeasurementSample sample = ctx.Options.ZeroLoss
            ? ZeroLossSearch.Run(
                rate => rate is double r ? PacedTrial(ctx, size, r, own, cancel) : Trial(ctx, generator, own, cancel),
                ctx.Options.LossTolerance, cancel)
            : Trial(ctx, generator, own, cancel);
        if (own is null)
            return sample;
        var (ns, runs, frames, stack) = ProgramCost(ctx, generator, own, cancel);
        return sample with
        {
            ProgramNs = ns, ProgramRuns = runs, FramesOverRuns = frames, StackReceivedOverRuns = stack,
        };
    }

    /// <summary>One timed run: warm-up, counters, the run, counters again once the rings have drained.</summary>
    private static MeasurementSample Trial(Context ctx, IFrameSource generator, ProgramCounters? own,
        CancellationToken cancel)
    {
        // A paced warm-up lasts about 50 ms; at full speed it is a fixed number of frames.
        ulong warmup = generator.RatePps is double r ? (ulong)Math.Clamp(r * 0.05, 1, WarmupFrames) : WarmupFrames;
        generator.Run(null, warmup, cancel);
        MeasuredPath.Settle();
        var before = Snapshot(ctx, own);
        (ulong sent, double seconds) = generator.Run(ctx.Options.Duration, ctx.Options.Count, cancel, ctx.Sending);
        MeasuredPath.Settle();
        var after = Snapshot(ctx, own);
        return new MeasurementSample
        {
            Received = after.Rx - before.Rx,
            Sent = sent,
            Seconds = seconds,
            ProgramPackets = after.Program - before.Program,
            StackForwarded = after.Forwarded - before.Forwarded,
        };
    }

    /// <summary>How far through one timed run sent frames or seconds are, from 0 to 1.</summary>
    private static double Fraction(HookMeasurementOptions options, ulong sent, double seconds) =>
        Math.Clamp(options.Count is ulong c ? (double)sent / c
            : seconds / Math.Max(options.Duration?.TotalSeconds ?? 1, 1e-3), 0, 1);

    private static MeasurementSample PacedTrial(Context ctx, int size, double rate, ProgramCounters? own,
        CancellationToken cancel)
    {
        using IFrameSource paced = FrameSources.Open(ctx.Sender.NetNamespace, ctx.Sender.Ifindex,
            Settings(ctx, size, rate), ctx.Cpu);
        return Trial(ctx, paced, own, cancel);
    }

    /// <summary>
    /// The program's own ns per run and the receiver's frames per run, from a short run with BPF_ENABLE_STATS
    /// held. Statistics slow every program (a 64-byte live-frames run to half its rate here), so they are not
    /// on during the sample.
    /// </summary>
    private static (double? Ns, ulong Runs, ulong Frames, ulong Stack) ProgramCost(Context ctx, IFrameSource generator,
        ProgramCounters own, CancellationToken cancel)
    {
        bool enabledHere = !BpfStatistics.State.Enabled;
        BpfStatistics.Enable();
        try
        {
            var (runs0, ns0) = own.RunStats();
            string hookNs = ctx.HookSide.NetNamespace;
            ulong rx0 = MeasuredPath.Received(ctx.Receiver), in0 = MeasuredPath.StackReceived(hookNs);
            generator.Run(null, StatsFrames, cancel);
            MeasuredPath.Settle();
            var (runs1, ns1) = own.RunStats();
            ulong frames = MeasuredPath.Received(ctx.Receiver) - rx0;
            ulong stack = MeasuredPath.StackReceived(hookNs) - in0;
            return (runs1 > runs0 ? (double)(ns1 - ns0) / (runs1 - runs0) : null, runs1 - runs0, frames, stack);
        }
        finally
        {
            if (enabledHere)
                BpfStatistics.Disable();
        }
    }

    private static List<string> Notes(HookMeasurementOptions options, MeasurementSetup setup)
    {
        var notes = new List<string>(setup.Notes);
        if (FrameSources.UsesPacketSocket)
            notes.Add(FrameSources.PacketSocketNote);
        if (MeasuredPath.StatisticsOn())
            notes.Add("BPF run-time statistics were on during the samples (kernel.bpf_stats_enabled), " +
                "which slows every program");
        if (options.Flows > 1)
            notes.Add($"{options.Flows} flows: sources {FlowSourceBase} to " +
                $"{Offset(FlowSourceBase, options.Flows - 1)}, UDP source ports {FlowPortBase} to " +
                $"{FlowPortBase + options.Flows - 1}");
        return notes;
    }

    private static (ulong Rx, ulong? Program, ulong? Forwarded) Snapshot(Context ctx, ProgramCounters? own)
    {
        return (MeasuredPath.Received(ctx.Receiver), own?.Packets(),
            ctx.RouterNs is string ns ? MeasuredPath.StackForwarded(ns) : null);
    }

    private static LiveFrameSettings Settings(Context ctx, int size, double? rate) => new()
    {
        Frame = Frame(ctx, size),
        Flows = ctx.Options.Flows,
        RatePps = rate,
    };

    /// <summary>A UDP frame from the sender (or flow 0) to the receiver, addressed to the next hop's MAC.</summary>
    private static byte[] Frame(Context ctx, int size)
    {
        bool flows = ctx.Options.Flows > 1;
        return PacketBuilder.Build(new PacketSpec
        {
            SourceMac = Mac(ctx.Sender),
            DestinationMac = Mac(ctx.HookSide),
            Source = flows ? FlowSourceBase : IPAddress.Parse(ctx.Sender.Address),
            Destination = IPAddress.Parse(ctx.Receiver.Address),
            Protocol = L4Protocol.Udp,
            SourcePort = flows ? FlowPortBase : (ushort)9,
            DestinationPort = 9,
            FrameLength = size - FrameSizes.Fcs,
        });
    }

    private static PhysicalAddress Mac(BpfTestInterface i) =>
        PhysicalAddress.Parse(i.Mac.Replace(':', '-').ToUpperInvariant());

    private static IPAddress Offset(IPAddress a, int by)
    {
        byte[] b = a.GetAddressBytes();
        uint v = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) + (uint)by;
        return new IPAddress(new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
    }
}
