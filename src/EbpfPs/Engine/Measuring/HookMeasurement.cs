using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.Measuring;

/// <summary>What to measure.</summary>
public sealed record HookMeasurementOptions
{
    // The defaults, written once: Measure-HookThroughput's parameters start from these, and its help states them.
    public static readonly IReadOnlyList<BpfHook> DefaultHooks =
        Array.AsReadOnly(new[] { BpfHook.XdpNative, BpfHook.XdpGeneric, BpfHook.TcIngress });
    public static readonly IReadOnlyList<int> DefaultPacketSizes = Array.AsReadOnly(new[] { FrameSizes.MinFrame });
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(1);
    public const int DefaultRepeat = 1;
    public const MeasureTraffic DefaultTraffic = MeasureTraffic.LiveFrames;
    public const int DefaultFlows = 1;
    public const double DefaultLossTolerance = 0.001;
    public const ReceiveOffload DefaultReceiveOffload = ReceiveOffload.On;

    /// <summary>
    /// Opens the program under test for a hook kind (built-ins come in an XDP and a TC build). The folder is
    /// a private bpffs directory for the maps it pins by name, so a measurement never shares them with, or
    /// leaves them at, the bpffs root.
    /// </summary>
    public required Func<BpfHookKind, string, AttachableProgram> OpenProgram { get; init; }
    public required string ProgramLabel { get; init; }
    /// <summary>
    /// The user's bpffs folder for what the measurement loads (xdp/ and tc/ under it, one per build), kept after
    /// the run; null pins into a private folder removed with the run.
    /// </summary>
    public string? PinPath { get; init; }
    public IReadOnlyList<BpfHook> Hooks { get; init; } = DefaultHooks;
    public IReadOnlyList<int> PacketSizes { get; init; } = DefaultPacketSizes;
    public TimeSpan? Duration { get; init; } = DefaultDuration;
    public ulong? Count { get; init; }
    public int Repeat { get; init; } = DefaultRepeat;
    /// <summary>A Pair network (Routed with Routed set) to use; null makes one and removes it afterwards.</summary>
    public BpfTestNetwork? Network { get; init; }
    /// <summary>
    /// The setup of tk154/eBPF-Tests: the program on a Routed network's router, traffic from A through it to B.
    /// </summary>
    public bool Routed { get; init; }
    public MeasureTraffic Traffic { get; init; } = DefaultTraffic;
    /// <summary>Distinct 5-tuples the generator sends round-robin.</summary>
    public int Flows { get; init; } = DefaultFlows;
    /// <summary>Search for the highest rate whose loss stays within LossTolerance (RFC 2544 throughput).</summary>
    public bool ZeroLoss { get; init; }
    /// <summary>Lost / sent a zero-loss trial may have and still pass (0.001 = 0.1%).</summary>
    public double LossTolerance { get; init; } = DefaultLossTolerance;
    /// <summary>The CPU the generator thread is pinned to; null picks the last allowed CPU.</summary>
    public int? GeneratorCpu { get; init; }
    /// <summary>GRO on the router's interfaces for -Traffic Tcp or Udp; live frames need it on.</summary>
    public ReceiveOffload ReceiveOffload { get; init; } = DefaultReceiveOffload;
}

/// <summary>
/// The XDP-vs-TC experiment of tk154/eBPF-Tests, repeatable: for each hook and size, attach the program, send traffic
/// through it, and count what arrived. Hooks are measured interleaved (A B C A B C ...) so a noisy moment
/// spreads over all of them.
/// </summary>
public static class HookMeasurement
{
    public const int MaxFlows = 16384;

    public static IReadOnlyList<HookThroughput> Run(HookMeasurementOptions options, Action<string, int>? progress,
        CancellationToken cancel)
    {
        Validate(options);
        // A hook or size named twice is measured once: the same rows twice would read as two results.
        options = options with
        {
            Hooks = options.Hooks.Distinct().ToArray(), PacketSizes = options.PacketSizes.Distinct().ToArray(),
        };
        string? iperf = options.Traffic == MeasureTraffic.LiveFrames ? null : Iperf.Require();
        TestTopology topology = options.Routed ? TestTopology.Routed : TestTopology.Pair;
        BpfTestNetwork network = options.Network ?? TestNetworks.Create(null, topology, cancel: cancel);
        bool madeNetwork = options.Network is null;
        string pinRoot = options.PinPath is null
            ? Path.Combine(BpfFs.ModuleRoot, "measure-" + Guid.NewGuid().ToString("N"))
            : BpfFs.CheckPinFolder(options.PinPath);
        bool madeModuleRoot = !Directory.Exists(BpfFs.ModuleRoot), madePinRoot = !Directory.Exists(pinRoot);
        try
        {
            if (network.Topology != topology)
                throw new BpfException(ErrorId.MeasureNetworkTopology,
                    $"This measurement needs a {topology} network; '{network.Name}' is {network.Topology}.",
                    network.Name);
            var programs = new Dictionary<BpfHookKind, AttachableProgram>();
            try
            {
                foreach (BpfHook hook in options.Hooks)
                {
                    if (BpfHooks.KindOf(hook) is not BpfHookKind kind)
                        continue;
                    if (!programs.ContainsKey(kind))
                    {
                        // libbpf makes only the last folder of a by-name pin's path.
                        string pins = Path.Combine(pinRoot, kind == BpfHookKind.Xdp ? "xdp" : "tc");
                        Directory.CreateDirectory(pins);
                        programs[kind] = options.OpenProgram(kind, pins);
                    }
                    programs[kind].RequireType(kind);
                }
                return iperf is null
                    ? LiveFrameMeasurement.Measure(options, network, programs, progress, cancel)
                    : IperfMeasurement.Measure(options, network, programs, iperf, progress, cancel);
            }
            finally
            {
                foreach (AttachableProgram p in programs.Values)
                {
                    p.Dispose();
                    if (options.PinPath is null)
                        p.RemoveCreatedPins();
                }
            }
        }
        finally
        {
            if (options.PinPath is null)
                RemovePins(pinRoot, madeModuleRoot);
            else
                RemoveEmptyFolders(pinRoot, madePinRoot);
            if (madeNetwork)
                TestNetworks.Remove(network.Name);
        }
    }

    private static void Validate(HookMeasurementOptions options)
    {
        if (options.Hooks.Count == 0)
            throw new BpfException(ErrorId.NoHooks, "Name at least one hook to measure.", null);
        foreach (BpfHook hook in options.Hooks)
            if (!BpfHooks.MeasureHooks.Contains(hook))
                throw new BpfException(ErrorId.NoHooks,
                    $"{hook} is not a hook Measure-HookThroughput compares; it measures " +
                    $"{string.Join(", ", BpfHooks.MeasureHooks)}.", hook);
        foreach (int size in options.PacketSizes)
            if (size < FrameSizes.MinFrame)
                throw new BpfException(ErrorId.InvalidPacketSize,
                    $"{size} bytes is below the minimal Ethernet frame of {FrameSizes.MinFrame} bytes (including FCS).",
                    size);
        if (options.Duration is TimeSpan d && d <= TimeSpan.Zero)
            throw new BpfException(ErrorId.InvalidDuration, $"A measurement needs a positive duration, not {d}.", d);
        if (options.Count is 0UL)
            throw new BpfException(ErrorId.InvalidCount, "A measurement needs a positive packet count.", 0);
        if (options.Repeat < 1)
            throw new BpfException(ErrorId.InvalidRepeat, $"-Repeat must be 1 or more, not {options.Repeat}.",
                options.Repeat);
        if (options.Flows < 1 || options.Flows > MaxFlows)
            throw new BpfException(ErrorId.InvalidFlowCount,
                $"-Flows must be between 1 and {MaxFlows} (the router's flow counters hold {MaxFlows} flows), not " +
                $"{options.Flows}.", options.Flows);
        if (double.IsNaN(options.LossTolerance) || options.LossTolerance < 0 || options.LossTolerance > 1)
            throw new BpfException(ErrorId.InvalidLossTolerance,
                "-LossTolerance is a fraction of the frames sent, from 0 to 1 (0.001 = 0.1%), not " +
                $"{options.LossTolerance}.", options.LossTolerance);
        if (options.ZeroLoss && options.Count is not null)
            throw new BpfException(ErrorId.ZeroLossWithCount,
                "-ZeroLoss tries rates for -Duration each; it cannot send a fixed -Count.", options.Count,
                recommendedAction: "Leave out -Count, and set -Duration for each trial.");
        if (options.Traffic != MeasureTraffic.LiveFrames && !options.Routed)
            throw new BpfException(ErrorId.TrafficNeedsRouted,
                $"-Traffic {options.Traffic} runs iperf3 between the clients of a Routed network; add -Routed.",
                options.Traffic);
        if (options.Traffic == MeasureTraffic.LiveFrames && options.ReceiveOffload == ReceiveOffload.Off)
            throw new BpfException(ErrorId.TrafficOptionNotSupported,
                "-ReceiveOffload Off applies to -Traffic Tcp or Udp; live frames are redirected into the receiver, " +
                "which needs GRO on to take them.", options.ReceiveOffload);
        bool shaped = options.ZeroLoss || options.Count is not null || options.Flows != 1;
        if (options.Traffic != MeasureTraffic.LiveFrames && shaped)
            throw new BpfException(ErrorId.TrafficOptionNotSupported,
                $"-ZeroLoss, -Count and -Flows shape live frames; iperf3 (-Traffic {options.Traffic}) runs for " +
                "-Duration.",
                options.Traffic);
    }

    /// <summary>The user's -PinPath keeps what was pinned; folders made for a run that pinned nothing go.</summary>
    private static void RemoveEmptyFolders(string pinRoot, bool madePinRoot)
    {
        try
        {
            foreach (string dir in new[] { Path.Combine(pinRoot, "xdp"), Path.Combine(pinRoot, "tc") })
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                    Directory.Delete(dir);
            if (madePinRoot && Directory.Exists(pinRoot) && !Directory.EnumerateFileSystemEntries(pinRoot).Any())
                Directory.Delete(pinRoot);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Removes the run's private pin folder, and the module's bpffs folder if this run made it.</summary>
    private static void RemovePins(string pinRoot, bool madeModuleRoot)
    {
        try
        {
            if (Directory.Exists(pinRoot))
                Directory.Delete(pinRoot, recursive: true);
            string root = BpfFs.ModuleRoot;
            if (madeModuleRoot && Directory.Exists(root) && !Directory.EnumerateFileSystemEntries(root).Any())
                Directory.Delete(root);
        }
        catch (IOException)
        {
        }
    }
}
