using System;
using System.Collections.Generic;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// TCP or UDP through the router, as tk154/eBPF-Tests measured it: the program on both router interfaces (data
/// one way, acknowledgements the other), iperf3 from client A to client B for the duration. The router's
/// own counters and its stack's forwarding counter show who forwarded.
/// </summary>
internal static class IperfMeasurement
{
    public static IReadOnlyList<HookThroughput> Measure(HookMeasurementOptions options, BpfTestNetwork network,
        IReadOnlyDictionary<BpfHookKind, AttachableProgram> programs, string iperf, Action<string, int>? progress,
        CancellationToken cancel)
    {
        int mtu = MeasuredPath.Mtu(network["ClientA"]), largest = FrameSizes.LargestFrame(mtu);
        // TCP fills segments to the MTU whatever -PacketSize says; UDP sends datagrams of each size.
        IReadOnlyList<int> sizes = options.Traffic == MeasureTraffic.Tcp ? new[] { largest } : options.PacketSizes;
        foreach (int size in sizes)
            if (size > largest)
                throw new BpfException(ErrorId.InvalidPacketSize,
                    $"A {size}-byte frame does not fit the {mtu}-byte MTU of the clients (largest: {largest}).", size);
        TimeSpan duration = options.Duration ?? HookMeasurementOptions.DefaultDuration;

        using MeasurementSetup setup = MeasurementSetup.ForIperf(network, offload: options.ReceiveOffload);
        bool statsHere = !BpfStatistics.State.Enabled;
        try
        {
            // Held for the whole run: ProgramNsPerPacket comes from the iperf3 traffic itself.
            BpfStatistics.Enable();
            return HookInterleaving.Run(new Interleaving
            {
                Options = options,
                Sizes = sizes,
                AttachOn = new[] { network["RouterA"], network["RouterB"] },
                Programs = programs,
                Network = network.Name,
                Status = slot => $"{options.Traffic} at {slot.Hook}, round {slot.Round + 1} of {options.Repeat}",
                Sample = (slot, token) => Once(iperf, network, options.Traffic, duration, slot.Size, slot.Own, token),
            }, () => Notes(options, setup), progress, cancel);
        }
        finally
        {
            if (statsHere)
                BpfStatistics.Disable();
        }
    }

    private static List<string> Notes(HookMeasurementOptions options, MeasurementSetup setup)
    {
        var notes = new List<string>(setup.Notes)
        {
            "BPF run-time statistics held during the run (ProgramNsPerPacket); they slow every program a little",
        };
        if (options.Traffic == MeasureTraffic.Tcp)
            notes.Add("TCP: BitsPerSecond is iperf3's received rate; Packets counts frames at B; " +
                "Sent and Lost do not apply (see Retransmits)");
        return notes;
    }

    private static MeasurementSample Once(string iperf, BpfTestNetwork network, MeasureTraffic traffic,
        TimeSpan duration, int size, ProgramCounters? own, CancellationToken cancel)
    {
        BpfTestInterface receiver = network["ClientB"];
        string routerNs = network["RouterA"].NetNamespace;
        ulong rx0 = MeasuredPath.Received(receiver), fwd0 = MeasuredPath.StackForwarded(routerNs),
            in0 = MeasuredPath.StackReceived(routerNs);
        ulong? program0 = own?.Packets();
        var (runs0, ns0) = own?.RunStats() ?? (0, 0);
        IperfResult r = Iperf.Run(iperf, network, traffic, duration, size - FrameSizes.UdpOverhead, cancel);
        MeasuredPath.Settle();
        ulong rx1 = MeasuredPath.Received(receiver), fwd1 = MeasuredPath.StackForwarded(routerNs),
            in1 = MeasuredPath.StackReceived(routerNs);
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
            ProgramRuns = own is null ? null : runs1 - runs0,
            FramesOverRuns = own is null ? null : received,
            StackReceivedOverRuns = own is null ? null : in1 - in0,
        };
    }
}
