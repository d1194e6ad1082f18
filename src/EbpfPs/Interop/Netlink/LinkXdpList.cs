using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop.Netlink;

/// <summary>One interface of a link dump: its index, its name and what runs at its XDP hook.</summary>
internal readonly record struct LinkXdp(int Index, string Name, Libbpf.XdpState Xdp);

/// <summary>
/// One RTM_GETLINK dump of the calling thread's namespace, read for each link's IFLA_XDP (the attach mode and the
/// program of each mode), as `ip -d link show` reads it. libbpf's bpf_xdp_query dumps every link to answer for
/// one, so asking it per interface costs the square of the interface count; this is one pass for all of them.
/// </summary>
internal static class LinkXdpList
{
    private const int IfInfoLength = 16;

    internal static Result<List<LinkXdp>> Dump()
    {
        Result<NetlinkSocket> opened = NetlinkSocket.Open(NetlinkProtocol.Route);
        if (!opened.Ok) return opened.Errno;
        using NetlinkSocket socket = opened.Value;
        Span<byte> ifinfo = stackalloc byte[IfInfoLength];
        ifinfo.Clear(); // ifi_family AF_UNSPEC, ifi_index 0: every link
        // Counters are most of a link's message and nothing here reads them.
        var request = new NetlinkMessage((ushort)RtmType.Getlink, NetlinkFlags.Request | NetlinkFlags.Dump, ifinfo)
            .Attribute((ushort)IflaAttribute.ExtMask, (uint)RtextFilter.SkipStats);
        var links = new List<LinkXdp>();
        Result done = socket.Exchange(request, dump: true, reply =>
        {
            if (reply.Type == (ushort)RtmType.Newlink && reply.Payload.Length >= IfInfoLength)
                links.Add(Parse(reply));
        });
        return done.Ok ? links : done.Errno;
    }

    private static LinkXdp Parse(NetlinkReply reply)
    {
        int index = BinaryPrimitives.ReadInt32LittleEndian(reply.Payload.Span[4..]); // ifinfomsg.ifi_index
        string name = "";
        byte attached = 0;
        uint prog = 0, drv = 0, skb = 0, hw = 0;
        foreach (NetlinkAttribute a in reply.Attributes(IfInfoLength))
        {
            if (a.Type == (ushort)IflaAttribute.Ifname)
                name = a.Text;
            else if (a.Type == (ushort)IflaAttribute.Xdp)
                foreach (NetlinkAttribute x in a.Nested)
                    switch ((IflaXdpAttribute)x.Type)
                    {
                        case IflaXdpAttribute.Attached when x.Value.Length >= 1: attached = x.Value.Span[0]; break;
                        case IflaXdpAttribute.ProgId: prog = x.U32; break;
                        case IflaXdpAttribute.DrvProgId: drv = x.U32; break;
                        case IflaXdpAttribute.SkbProgId: skb = x.U32; break;
                        case IflaXdpAttribute.HwProgId: hw = x.U32; break;
                    }
        }
        return new LinkXdp(index, name, new Libbpf.XdpState((XdpAttachMode)attached, prog, drv, skb, hw));
    }
}
