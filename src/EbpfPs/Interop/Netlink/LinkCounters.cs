using System;
using System.Buffers.Binary;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop.Netlink;

/// <summary>An interface's packet counters (struct rtnl_link_stats64), as `ip -s link` reads them.</summary>
internal readonly record struct InterfaceCounters(ulong RxPackets, ulong TxPackets, ulong RxBytes, ulong TxBytes,
    ulong RxDropped, ulong TxDropped);

/// <summary>
/// RTM_GETLINK for one ifindex in the calling thread's namespace: its counters and its MTU. /sys/class/net cannot
/// serve here: sysfs shows the namespace it was mounted in, not the thread's.
/// </summary>
internal static class LinkCounters
{
    private const int IfInfoLength = 16;
    private const int Stats64Length = 64;

    internal static Result<InterfaceCounters> Read(int ifindex)
    {
        InterfaceCounters? counters = null;
        Result done = GetLink(ifindex, IflaAttribute.Stats64, Stats64Length, v => counters = Parse(v));
        if (!done.Ok) return done.Errno;
        return counters is InterfaceCounters c ? Result<InterfaceCounters>.Success(c) : Errno.ENODATA;
    }

    /// <summary>The interface's MTU (IFLA_MTU, a u32), as `ip link show` prints it.</summary>
    internal static Result<int> ReadMtu(int ifindex)
    {
        int? mtu = null;
        Result done = GetLink(ifindex, IflaAttribute.Mtu, sizeof(uint),
            v => mtu = (int)BinaryPrimitives.ReadUInt32LittleEndian(v));
        if (!done.Ok) return done.Errno;
        return mtu is int m ? Result<int>.Success(m) : Errno.ENODATA;
    }

    /// <summary>Asks for the link and hands the value of one attribute (when long enough) to take.</summary>
    private static Result GetLink(int ifindex, IflaAttribute attribute, int minLength, ReadOnlySpanAction take)
    {
        Result<NetlinkSocket> opened = NetlinkSocket.Open(NetlinkProtocol.Route);
        if (!opened.Ok) return opened.Errno;
        using NetlinkSocket socket = opened.Value;
        Span<byte> ifinfo = stackalloc byte[IfInfoLength];
        ifinfo.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(ifinfo[4..], ifindex); // ifinfomsg.ifi_index
        return socket.Exchange(new NetlinkMessage((ushort)RtmType.Getlink, NetlinkFlags.Request, ifinfo),
            dump: false,
            reply =>
            {
                if (reply.Type != (ushort)RtmType.Newlink) return;
                if (NetlinkAttribute.Find(reply.Attributes(IfInfoLength), (ushort)attribute) is { } a
                    && a.Value.Length >= minLength)
                    take(a.Value.Span);
            });
    }

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> value);

    private static InterfaceCounters Parse(ReadOnlySpan<byte> stats)
    {
        // rtnl_link_stats64: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped, tx_dropped,
        // ...
        Span<ulong> v = stackalloc ulong[8];
        for (int i = 0; i < v.Length; i++)
            v[i] = BinaryPrimitives.ReadUInt64LittleEndian(stats[(i * 8)..]);
        return new InterfaceCounters(v[0], v[1], v[2], v[3], v[6], v[7]);
    }
}
