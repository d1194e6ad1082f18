using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Packets;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Measuring;

/// <summary>What to measure.</summary>
public sealed record HookMeasurementOptions
{
    /// <summary>Opens the program under test for a hook kind (built-ins come in an XDP and a TC build).</summary>
    public required Func<BpfHookKind, AttachableProgram> OpenProgram { get; init; }
    public required string ProgramLabel { get; init; }
    public IReadOnlyList<MeasureHook> Hooks { get; init; } = new[] { MeasureHook.XdpNative, MeasureHook.XdpGeneric,
        MeasureHook.TcIngress };
    public IReadOnlyList<int> PacketSizes { get; init; } = new[] { 64 };
    public TimeSpan? Duration { get; init; } = TimeSpan.FromSeconds(1);
    public ulong? Count { get; init; }
    public int Repeat { get; init; } = 1;
    /// <summary>
    /// A Pair network (a Routed one with Routed set) to use; null makes one and removes it afterwards.
    /// </summary>
    public BpfTestNetwork? Network { get; init; }
    /// <summary>
    /// The seed's own setup: the program on the router of a Routed network, traffic from A through it to B.
    /// </summary>
    public bool Routed { get; init; }
}

/// <summary>
/// The seed's XDP-vs-TC experiment, repeatable: for each hook and size, attach the program on the
/// receiving end of a veth pair, send live frames into the other end, and count what arrived.
/// Hooks are measured interleaved (A B C A B C ...) so a noisy moment spreads over all of them.
/// </summary>
public static class HookMeasurement
{
    public const int MinPacketSize = 64, FcsLength = 4;

    public static IReadOnlyList<HookThroughput> Run(HookMeasurementOptions options, Action<string, int>? progress,
        CancellationToken cancel)
    {
        Validate(options);
        TestTopology topology = options.Routed ? TestTopology.Routed : TestTopology.Pair;
        BpfTestNetwork network = options.Network ?? TestNetworks.Create(null, topology);
        bool madeNetwork = options.Network is null;
        try
        {
            if (network.Topology != topology)
                throw new BpfException(ErrorId.MeasureNetworkTopology,
                    $"This measurement needs a {topology} network; '{network.Name}' is {network.Topology}.",
                    network.Name);
            // Pair: the program sits where the frames arrive. Routed: on the router's ingress, counted at B.
            BpfTestInterface sender = options.Routed ? network["ClientA"] : network["A"];
            BpfTestInterface hookSide = options.Routed ? network["RouterA"] : network["B"];
            BpfTestInterface receiver = options.Routed ? network["ClientB"] : network["B"];
            int mtu = Mtu(sender);
            foreach (int size in options.PacketSizes)
                if (size > mtu + 14 + FcsLength)
                    throw new BpfException(ErrorId.InvalidPacketSize,
                        $"A {size}-byte frame does not fit the {mtu}-byte MTU of {sender.Interface} (largest: " +
                        $"{mtu + 18}).", size);

            var programs = new Dictionary<BpfHookKind, AttachableProgram>();
            try
            {
                foreach (MeasureHook hook in options.Hooks)
                {
                    BpfHookKind kind = KindOf(hook);
                    if (!programs.ContainsKey(kind))
                        programs[kind] = options.OpenProgram(kind);
                    programs[kind].RequireType(kind);
                }
                return Measure(options, network, sender, hookSide, receiver, programs, progress, cancel);
            }
            finally
            {
                foreach (AttachableProgram p in programs.Values)
                {
                    p.Dispose();
                    p.RemoveCreatedPins();
                }
            }
        }
        finally
        {
            if (madeNetwork)
                TestNetworks.Remove(network.Name);
        }
    }

    private static IReadOnlyList<HookThroughput> Measure(HookMeasurementOptions options, BpfTestNetwork network,
        BpfTestInterface sender,
        BpfTestInterface hookSide, BpfTestInterface receiver, Dictionary<BpfHookKind, AttachableProgram> programs,
            Action<string, int>? progress,
        CancellationToken cancel)
    {
        var samples = new Dictionary<(MeasureHook, int), List<Sample>>();
        var modes = new Dictionary<MeasureHook, XdpMode?>();
        // Generic XDP and TC only see frames XDP redirected into a veth when that veth runs NAPI (GRO on);
        // in the routed setup the router's redirect lands in the receiver too.
        var needGro = new[] { hookSide, receiver }.Distinct().Where(i => !GroEnabled(i)).ToList();
        bool groWasOff = needGro.Count > 0;
        foreach (BpfTestInterface i in needGro)
            SetGro(i, true);
        using var generator = new LiveFrameGenerator(sender.NetNamespace, sender.Ifindex);
        // Routed: B drops what arrives at its XDP hook, so the router is measured, not B's stack.
        using AttachableProgram? sink = options.Routed ? AttachableProgram.FromBuiltin("drop", BpfHookKind.Xdp) : null;
        if (sink is not null)
            Xdp.Attach(sink, new[] { (receiver.Ifindex, receiver.Interface) }, XdpMode.Native, receiver.NetNamespace,
                force: false);
        try
        {
            int total = options.Repeat * options.PacketSizes.Count * options.Hooks.Count, done = 0;
            for (int rep = 0; rep < options.Repeat; rep++)
                foreach (int size in options.PacketSizes)
                {
                    byte[] frame = Frame(sender, hookSide, receiver, size);
                    foreach (MeasureHook hook in options.Hooks)
                    {
                        cancel.ThrowIfCancellationRequested();
                        progress?.Invoke($"{hook}, {size} bytes, round {rep + 1} of {options.Repeat}",
                            100 * done++ / total);
                        (Sample sample, XdpMode? mode) = MeasureOnce(generator, frame, hook, programs[KindOf(hook)],
                            hookSide, receiver, options, cancel);
                        modes[hook] = mode;
                        if (!samples.TryGetValue((hook, size), out List<Sample>? list))
                            samples[(hook, size)] = list = new List<Sample>();
                        list.Add(sample);
                    }
                }
            cancel.ThrowIfCancellationRequested();
        }
        finally
        {
            foreach (BpfTestInterface i in needGro)
                SetGro(i, false);
            if (sink is not null)
                Xdp.Detach(receiver.Ifindex, receiver.Interface, receiver.NetNamespace);
        }

        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var results = new List<HookThroughput>();
        foreach (int size in options.PacketSizes)
            foreach (MeasureHook hook in options.Hooks)
                results.Add(Summarize(samples[(hook, size)], hook, size, options.ProgramLabel, kernel, modes[hook],
                    network.Name, Note(options.Routed, groWasOff)));
        return results;
    }

    private static string? Note(bool routed, bool groWasOff)
    {
        var notes = new List<string>();
        if (routed)
            notes.Add("forwarded A to B through the router; " +
                "B drops arrivals with native XDP so the router is what is measured");
        if (groWasOff) notes.Add("GRO was off where redirected frames arrive and was turned on for the measurement");
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    private readonly record struct Sample(ulong Received, ulong Sent, double Seconds)
    {
        public double Pps => Seconds > 0 ? Received / Seconds : 0;
    }

    private static (Sample, XdpMode?) MeasureOnce(LiveFrameGenerator generator, byte[] frame, MeasureHook hook,
        AttachableProgram program,
        BpfTestInterface hookSide, BpfTestInterface receiver, HookMeasurementOptions options, CancellationToken cancel)
    {
        var target = new[] { (hookSide.Ifindex, hookSide.Interface) };
        XdpMode? mode = null;
        IReadOnlyList<TcAttachment>? tc = null;
        switch (hook)
        {
            case MeasureHook.XdpNative:
            case MeasureHook.XdpGeneric:
                mode = Xdp.Attach(program, target, hook == MeasureHook.XdpNative ? XdpMode.Native : XdpMode.Generic,
                    hookSide.NetNamespace, force: false)[0].Mode;
                break;
            default:
                tc = Tc.Attach(program, target, TcDirection.Ingress, hook == MeasureHook.Tcx ? TcMode.Tcx
                    : TcMode.Filter, 0, 0, hookSide.NetNamespace, force: false);
                break;
        }
        try
        {
            // A short burst first, so page faults and cold caches are not part of the sample.
            generator.Run(frame, null, 4096, cancel);
            Settle();
            InterfaceCounters before = Counters(receiver);
            (ulong sent, double seconds) = generator.Run(frame, options.Duration, options.Count, cancel);
            Settle();
            InterfaceCounters after = Counters(receiver);
            return (new Sample(after.RxPackets - before.RxPackets, sent, seconds), mode);
        }
        finally
        {
            if (tc is not null)
                foreach (TcAttachment a in tc) Tc.Detach(a);
            else
                Xdp.Detach(hookSide.Ifindex, hookSide.Interface, hookSide.NetNamespace);
        }
    }

    private static HookThroughput Summarize(List<Sample> samples, MeasureHook hook, int size, string program,
        string kernel, XdpMode? mode,
        string network, string? note)
    {
        var ordered = samples.OrderBy(s => s.Pps).ToList();
        Sample median = ordered[ordered.Count / 2];
        double pps = Math.Round(median.Pps);
        return new HookThroughput
        {
            Hook = hook,
            Program = program,
            PacketSize = size,
            Packets = median.Received,
            Sent = median.Sent,
            Lost = median.Sent > median.Received ? median.Sent - median.Received : 0,
            Seconds = Math.Round(median.Seconds, 4),
            PacketsPerSecond = pps,
            BitsPerSecond = pps * size * 8,
            NsPerPacket = pps > 0 ? Math.Round(1e9 / pps, 2) : 0,
            Samples = samples.Count,
            MinPacketsPerSecond = Math.Round(ordered[0].Pps),
            MaxPacketsPerSecond = Math.Round(ordered[^1].Pps),
            Spread = pps > 0 ? Math.Round((ordered[^1].Pps - ordered[0].Pps) / pps, 4) : 0,
            SamplePacketsPerSecond = samples.Select(s => Math.Round(s.Pps)).ToArray(),
            Kernel = kernel,
            Cpus = Environment.ProcessorCount,
            GroOnReceiver = true,
            XdpModeInForce = mode,
            Network = network,
            Note = note,
        };
    }

    private static void Validate(HookMeasurementOptions options)
    {
        if (options.Hooks.Count == 0)
            throw new BpfException(ErrorId.NoHooks, "Name at least one hook to measure.", null);
        foreach (int size in options.PacketSizes)
            if (size < MinPacketSize)
                throw new BpfException(ErrorId.InvalidPacketSize,
                    $"{size} bytes is below the minimal Ethernet frame of {MinPacketSize} bytes (including FCS).",
                    size);
        if (options.Duration is TimeSpan d && d <= TimeSpan.Zero)
            throw new BpfException(ErrorId.InvalidDuration, $"A measurement needs a positive duration, not {d}.", d);
        if (options.Count is 0UL)
            throw new BpfException(ErrorId.InvalidCount, "A measurement needs a positive packet count.", 0);
        if (options.Repeat < 1)
            throw new BpfException(ErrorId.InvalidRepeat, $"-Repeat must be 1 or more, not {options.Repeat}.",
                options.Repeat);
    }

    private static BpfHookKind KindOf(MeasureHook hook) => hook is MeasureHook.XdpNative or MeasureHook.XdpGeneric
        ? BpfHookKind.Xdp : BpfHookKind.Tc;

    /// <summary>
    /// A UDP frame from the sender to the receiver's address, addressed on the wire to the next hop (the hook side).
    /// </summary>
    private static byte[] Frame(BpfTestInterface sender, BpfTestInterface nextHop, BpfTestInterface receiver,
        int size) => PacketBuilder.Build(new PacketSpec
    {
        SourceMac = System.Net.NetworkInformation.PhysicalAddress.Parse(sender.Mac.Replace(':',
            '-').ToUpperInvariant()),
        DestinationMac = System.Net.NetworkInformation.PhysicalAddress.Parse(nextHop.Mac.Replace(':',
            '-').ToUpperInvariant()),
        Source = System.Net.IPAddress.Parse(sender.Address),
        Destination = System.Net.IPAddress.Parse(receiver.Address),
        Protocol = L4Protocol.Udp,
        SourcePort = 9,
        DestinationPort = 9,
        FrameLength = size - FcsLength,
    });

    private static InterfaceCounters Counters(BpfTestInterface i) => NetNamespace.Run(i.NetNamespace, () =>
        LinkCounters.Read(i.Ifindex).OrThrow("read counters of", i.Interface, ErrorId.InterfaceCountersUnavailable));

    /// <summary>
    /// Frames still in the veth's ring are counted a moment later; wait for the counter to stop moving.
    /// </summary>
    private static void Settle() => Thread.Sleep(30);

    private static int Mtu(BpfTestInterface i)
    {
        string json = TestNetworks.Run("ip", "-n", i.NetNamespace, "-j", "link", "show", "dev", i.Interface);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement[0].GetProperty("mtu").GetInt32();
    }

    private static bool GroEnabled(BpfTestInterface i) =>
        TestNetworks.Run("ip", "netns", "exec", i.NetNamespace, "ethtool", "-k", i.Interface)
            .Split('\n').Any(l => l.StartsWith("generic-receive-offload: on", StringComparison.Ordinal));

    private static void SetGro(BpfTestInterface i, bool on) =>
        TestNetworks.Run("ip", "netns", "exec", i.NetNamespace, "ethtool", "-K", i.Interface, "gro", on ? "on" : "off");
}
