using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// What every kind of traffic reads along the path it measures: interface counters and MTU (netlink, in the
/// interface's namespace), the router stack's forwarding counter, and the host's conditions (/proc, through the host
/// tools seam).
/// </summary>
internal static class MeasuredPath
{
    /// <summary>How long frames still in a veth's ring take to be counted.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(30);

    /// <summary>Frames still in a veth's ring are counted a moment later; wait for the counters to settle.</summary>
    public static void Settle() => Thread.Sleep(SettleTime);

    public static int Mtu(BpfTestInterface i) => NetNamespace.Run(i.NetNamespace, () =>
        LinkCounters.ReadMtu(i.Ifindex).OrThrow("read the MTU of", i.Interface, ErrorId.InterfaceCountersUnavailable));

    /// <summary>Frames the interface received, by its own counters.</summary>
    public static ulong Received(BpfTestInterface i) => NetNamespace.Run(i.NetNamespace, () =>
        LinkCounters.Read(i.Ifindex).OrThrow("read counters of", i.Interface, ErrorId.InterfaceCountersUnavailable))
        .RxPackets;

    /// <summary>IP ForwDatagrams of a namespace: what its own stack forwarded (XDP and TC redirects are not).</summary>
    public static ulong StackForwarded(string netns) => IpCounter(netns, "ForwDatagrams");

    /// <summary>IP InReceives of a namespace: what reached its stack (frames a hook passed on).</summary>
    public static ulong StackReceived(string netns) => IpCounter(netns, "InReceives");

    private static ulong IpCounter(string netns, string counter) => NetNamespace.Run(netns, () =>
    {
        // thread-self: /proc/self/net shows the main thread's namespace, not the one this thread entered.
        const string snmp = "/proc/thread-self/net/snmp";
        string text = Tools.ReadText(snmp)
            ?? throw new BpfException(ErrorId.InterfaceCountersUnavailable,
                $"Could not read {snmp} in network namespace '{netns}'.", netns);
        string[] lines = text.Split('\n').Where(l => l.StartsWith("Ip:", StringComparison.Ordinal)).ToArray();
        string[] names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return ulong.Parse(values[Array.IndexOf(names, counter)], CultureInfo.InvariantCulture);
    });

    /// <summary>Whether BPF run-time statistics are on (kernel.bpf_stats_enabled), which slows every program.</summary>
    public static bool StatisticsOn() => Tools.ReadText("/proc/sys/kernel/bpf_stats_enabled")?.Trim() == "1";

    /// <summary>The running kernel's release, as `uname -r` says it.</summary>
    public static string KernelRelease() => Tools.ReadText("/proc/sys/kernel/osrelease")?.Trim() ?? "";
}
