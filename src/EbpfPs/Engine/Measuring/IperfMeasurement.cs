using System;
using System.Collections.Generic;
using System.Threading;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Packets;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// TCP or UDP through the router, as tk154/eBPF-Tests measured it: the program on both router interfaces (data
/// one way, acknowledgements the other), iperf3 from client A to client B for the duration. The router's
/// own counters and its stack's forwarding counter show who forwarded.
/// </summary>
internal static class IperfMeasurement
{
    /// <summary>Ethernet, IPv4 and UDP headers plus FCS: what a UDP datagram adds on the wire.</summary>
    private const int UdpOverhead = 14 + 20 + 8 + HookMeasurement.FcsLength;

    public static IReadOnlyList<HookThroughput> Measure(HookMeasurementOptions options, BpfTestNetwork network,
        IReadOnlyDictionary<BpfHookKind, AttachableProgram> programs, string iperf, Action<string, int>? progress,
        CancellationToken cancel)
    {
        BpfTestInterface[] router = { network["RouterA"], network["RouterB"] };
        int mtu = HookMeasurement.Mtu(network["ClientA"]);
        // TCP fills segments to the MTU whatever -PacketSize says; UDP sends datagrams of each size.
        IReadOnlyList<int> sizes = options.Traffic == MeasureTraffic.Tcp ? new[] { mtu + 18 } : options.PacketSizes;
        foreach (int size in sizes)
            if (size > mtu + 18)
                throw new BpfException(ErrorId.InvalidPacketSize,
                    $"A {size}-byte frame does not fit the {mtu}-byte MTU of the clients (largest: {mtu + 18}).", size);
        TimeSpan duration = options.Duration ?? TimeSpan.FromSeconds(1);

        var samples = new Dictionary<(BpfHook, int), List<MeasurementSample>>();
        var modes = new Dictionary<BpfHook, XdpMode?>();
        var counters = new Dictionary<BpfHookKind, ProgramCounters>();
        using MeasurementSetup setup = MeasurementSetup.ForIperf(network);
        bool statsHere = !BpfStatistics.State.Enabled;
        try
        {
            foreach (var (kind, program) in programs)
                counters[kind] = ProgramCounters.For(program);
            // Held for the whole run: ProgramNsPerPacket comes from the iperf3 traffic itself.
            BpfStatistics.Enable();
            int total = options.Repeat * sizes.Count * options.Hooks.Count, done = 0;
            for (int rep = 0; rep < options.Repeat; rep++)
                foreach (int size in sizes)
                    foreach (BpfHook hook in options.Hooks)
                    {
                        cancel.ThrowIfCancellationRequested();
                        progress?.Invoke($"{options.Traffic} at {hook}, round {rep + 1} of {options.Repeat}",
                            100 * done++ / total);
                        BpfHookKind? kind = HookMeasurement.KindOf(hook);
                        AttachableProgram? program = kind is BpfHookKind k ? programs[k] : null;
                        ProgramCounters? own = kind is BpfHookKind k2 ? counters[k2] : null;
                        var (detach, mode) = HookMeasurement.Attach(hook, program, router);
                        try
                        {
                            modes[hook] = mode;
                            MeasurementSample sample = Once(iperf, network, options.Traffic, duration, size, own,
                                cancel);
                            if (!samples.TryGetValue((hook, size), out List<MeasurementSample>? list))
                                samples[(hook, size)] = list = new List<MeasurementSample>();
                            list.Add(sample);
                        }
                        finally
                        {
                            detach();
                        }
                    }
            cancel.ThrowIfCancellationRequested();
        }
        finally
        {
            if (statsHere)
                BpfStatistics.Disable();
            foreach (ProgramCounters c in counters.Values) c.Dispose();
        }

        var notes = new List<string>(setup.Notes)
        {
            "BPF run-time statistics held during the run (ProgramNsPerPacket); they slow every program a little",
        };
        if (options.Traffic == MeasureTraffic.Tcp)
            notes.Add("TCP: BitsPerSecond is iperf3's received rate; Packets counts frames at B; " +
                "Sent and Lost do not apply (see Retransmits)");
        var results = new List<HookThroughput>();
        foreach (int size in sizes)
            foreach (BpfHook hook in options.Hooks)
                results.Add(MeasurementSummary.Summarize(samples[(hook, size)], hook, size, options, modes[hook],
                    network.Name, null, notes));
        return results;
    }

    private static MeasurementSample Once(string iperf, BpfTestNetwork network, MeasureTraffic traffic,
        TimeSpan duration, int size, ProgramCounters? own, CancellationToken cancel)
    {
        BpfTestInterface receiver = network["ClientB"];
        string routerNs = network["RouterA"].NetNamespace;
        ulong rx0 = Rx(receiver), fwd0 = HookMeasurement.StackForwarded(routerNs);
        ulong? program0 = own?.Packets();
        var (runs0, ns0) = own?.RunStats() ?? (0, 0);
        IperfResult r = Iperf.Run(iperf, network, traffic, duration, size - UdpOverhead, cancel);
        HookMeasurement.Settle();
        ulong rx1 = Rx(receiver), fwd1 = HookMeasurement.StackForwarded(routerNs);
        ulong? program1 = own?.Packets();
        var (runs1, ns1) = own?.RunStats() ?? (0, 0);
        ulong received = rx1 - rx0;
        return new MeasurementSample
        {
            Received = r.Datagrams is ulong d ? d - (r.LostDatagrams ?? 0) : received,
            Sent = r.Datagrams ?? 0,
            Seconds = r.Seconds,
            IperfBitsPerSecond = r.BitsPerSecond,
            Retransmits = r.Retransmits,
            ProgramPackets = program1 - program0,
            StackForwarded = fwd1 - fwd0,
            ProgramNs = runs1 > runs0 ? (double)(ns1 - ns0) / (runs1 - runs0) : null,
        };
    }

    private static ulong Rx(BpfTestInterface i) =>
        NetNamespace.Run(i.NetNamespace, () => LinkCounters.Read(i.Ifindex).OrThrow("read counters of", i.Interface,
            ErrorId.InterfaceCountersUnavailable)).RxPackets;
}
