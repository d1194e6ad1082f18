using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop.Netlink;

/// <summary>
/// RTM_GETQDISC dump of every interface of the calling thread's namespace (unlike filters, qdiscs of all devices
/// come in one request), read for the interfaces that have a qdisc at handle ffff:, clsact or ingress: the kernel
/// looks up the clsact hooks ffff:fff2 and ffff:fff3 by that major, so only those interfaces can have filters there.
/// </summary>
internal static class QdiscList
{
    private const int TcMsgLength = 20;
    private const uint IngressMajor = 0xFFFF_0000; // TC_H_INGRESS and TC_H_CLSACT share it (linux/pkt_sched.h)

    internal static Result<HashSet<int>> ClsactInterfaces()
    {
        Result<NetlinkSocket> opened = NetlinkSocket.Open(NetlinkProtocol.Route);
        if (!opened.Ok) return opened.Errno;
        using NetlinkSocket socket = opened.Value;
        Span<byte> tcmsg = stackalloc byte[TcMsgLength];
        tcmsg.Clear(); // tcm_ifindex 0: every interface
        var found = new HashSet<int>();
        Result done = socket.Exchange(new NetlinkMessage((ushort)RtmType.Getqdisc,
            NetlinkFlags.Request | NetlinkFlags.Dump, tcmsg), dump: true, reply =>
            {
                if (reply.Type != (ushort)RtmType.Newqdisc || reply.Payload.Length < TcMsgLength) return;
                ReadOnlySpan<byte> m = reply.Payload.Span;
                if ((BinaryPrimitives.ReadUInt32LittleEndian(m[8..]) & 0xFFFF_0000) == IngressMajor) // tcm_handle
                    found.Add(BinaryPrimitives.ReadInt32LittleEndian(m[4..]));                       // tcm_ifindex
            });
        return done.Ok ? found : done.Errno;
    }
}
