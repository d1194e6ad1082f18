using System;
using System.Buffers.Binary;
using EbpfPs.Native;

namespace EbpfPs.Engine.Netlink;

/// <summary>An interface's packet counters (struct rtnl_link_stats64), as `ip -s link` reads them.</summary>
public readonly record struct InterfaceCounters(ulong RxPackets, ulong TxPackets, ulong RxBytes, ulong TxBytes, ulong RxDropped, ulong TxDropped);

/// <summary>
/// RTM_GETLINK for one ifindex in the calling thread's namespace. /sys/class/net cannot serve here:
/// sysfs shows the namespace it was mounted in, not the thread's.
/// </summary>
public static class LinkStats
{
    private const ushort RtmNewLink = 16, RtmGetLink = 18, NlmsgError = 2, NlmFRequest = 1, IflaStats64 = 23;

    public static InterfaceCounters Read(int ifindex)
    {
        using var socket = new NetlinkSocket();
        Span<byte> request = stackalloc byte[32];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, 32);
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], RtmGetLink);
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(request[8..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(request[20..], ifindex); // ifinfomsg.ifi_index
        socket.Send(request);

        byte[] buffer = new byte[32 * 1024];
        int length = socket.Receive(buffer);
        var msg = buffer.AsSpan(0, length);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(msg[4..]);
        if (type == NlmsgError)
            throw BpfException.FromErrno(-BinaryPrimitives.ReadInt32LittleEndian(msg[16..]), "read counters of ifindex", ifindex);
        if (type != RtmNewLink)
            throw new BpfException("NetlinkUnexpectedReply", BpfErrorKind.OperationFailed, $"Unexpected netlink reply type {type}.", ifindex);
        int offset = 16 + 16; // nlmsghdr + ifinfomsg
        int end = (int)BinaryPrimitives.ReadUInt32LittleEndian(msg);
        while (offset + 4 <= end)
        {
            ushort len = BinaryPrimitives.ReadUInt16LittleEndian(msg[offset..]);
            ushort attr = BinaryPrimitives.ReadUInt16LittleEndian(msg[(offset + 2)..]);
            if (len < 4) break;
            if (attr == IflaStats64 && len >= 4 + 64)
            {
                var stats = new ulong[8];
                for (int i = 0; i < stats.Length; i++)
                    stats[i] = BinaryPrimitives.ReadUInt64LittleEndian(msg[(offset + 4 + i * 8)..]);
                return new InterfaceCounters(stats[0], stats[1], stats[2], stats[3], stats[6], stats[7]);
            }
            offset += (len + 3) & ~3;
        }
        throw new BpfException("NetlinkNoStats", BpfErrorKind.OperationFailed, $"The kernel sent no counters for ifindex {ifindex}.", ifindex);
    }
}
