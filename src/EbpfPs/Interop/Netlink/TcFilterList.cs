using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop.Netlink;

/// <summary>A cls_bpf (or other) filter on a clsact hook, as the kernel reports it to `tc filter show`.</summary>
internal sealed record TcFilterEntry(string Kind, uint Handle, uint Priority, ushort Protocol, uint ProgramId,
    string? ProgramName, bool DirectAction);

/// <summary>
/// RTM_GETTFILTER dump of one clsact direction. libbpf can query a filter it knows the handle and
/// priority of, but cannot list them, and Get-TcProgram must show filters `tc` made too.
/// </summary>
internal static class TcFilterList
{
    private const int TcMsgLength = 20;

    internal static Result<List<TcFilterEntry>> Dump(int ifindex, uint parent)
    {
        Result<List<TcFilterEntry>[]> one = DumpEach(new[] { (ifindex, parent) });
        return one.Ok ? one.Value[0] : one.Errno;
    }

    /// <summary>
    /// The filters of each hook (ifindex, parent), one dump after the other over one socket. The kernel dumps
    /// filters of one device per request (tc_dump_tfilter finds the device by tcm_ifindex and answers nothing for
    /// 0), so a listing of many interfaces is a request each, but never a socket each.
    /// </summary>
    internal static Result<List<TcFilterEntry>[]> DumpEach(IReadOnlyList<(int Ifindex, uint Parent)> hooks)
    {
        Result<NetlinkSocket> opened = NetlinkSocket.Open(NetlinkProtocol.Route);
        if (!opened.Ok) return opened.Errno;
        using NetlinkSocket socket = opened.Value;
        var result = new List<TcFilterEntry>[hooks.Count];
        for (int n = 0; n < hooks.Count; n++)
        {
            Result<List<TcFilterEntry>> filters = DumpOn(socket, hooks[n].Ifindex, hooks[n].Parent);
            if (!filters.Ok) return filters.Errno;
            result[n] = filters.Value;
        }
        return result;
    }

    private static Result<List<TcFilterEntry>> DumpOn(NetlinkSocket socket, int ifindex, uint parent)
    {
        Span<byte> tcmsg = stackalloc byte[TcMsgLength];
        tcmsg.Clear();                                                   // tcm_family AF_UNSPEC
        BinaryPrimitives.WriteInt32LittleEndian(tcmsg[4..], ifindex);    // tcm_ifindex
        BinaryPrimitives.WriteUInt32LittleEndian(tcmsg[12..], parent);   // tcm_parent
        var filters = new List<TcFilterEntry>();
        Result done = socket.Exchange(new NetlinkMessage((ushort)RtmType.Gettfilter,
            NetlinkFlags.Request | NetlinkFlags.Dump, tcmsg),
            dump: true, reply =>
            {
                if (reply.Type == (ushort)RtmType.Newtfilter && reply.Payload.Length >= TcMsgLength
                    && Parse(reply) is TcFilterEntry f)
                    filters.Add(f);
            });
        // No clsact qdisc on the interface: the kernel answers EINVAL (or ENOENT); that is "no filters".
        if (done.Errno is Errno.EINVAL or Errno.ENOENT) return filters;
        return done.Ok ? filters : done.Errno;
    }

    private static TcFilterEntry? Parse(NetlinkReply reply)
    {
        ReadOnlySpan<byte> tcmsg = reply.Payload.Span;
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(tcmsg[8..]);
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(tcmsg[16..]);
        string kind = "";
        uint progId = 0, flags = 0;
        string? name = null;
        foreach (NetlinkAttribute a in reply.Attributes(TcMsgLength))
        {
            if (a.Type == (ushort)TcaAttribute.Kind)
                kind = a.Text;
            else if (a.Type == (ushort)TcaAttribute.Options)
                foreach (NetlinkAttribute o in a.Nested)
                {
                    if (o.Type == (ushort)TcaBpfAttribute.Id) progId = o.U32;
                    else if (o.Type == (ushort)TcaBpfAttribute.Flags) flags = o.U32;
                    else if (o.Type == (ushort)TcaBpfAttribute.Name) name = o.Text;
                }
        }
        // The kernel also reports the chain head (handle 0, no kind options); only real filters count.
        if (handle == 0 || kind.Length == 0)
            return null;
        ushort protocol = BinaryPrimitives.ReverseEndianness((ushort)(info & 0xffff));
        return new TcFilterEntry(kind, handle, info >> 16, protocol, progId, name,
            ((TcBpfFlags)flags & TcBpfFlags.ActDirect) != 0);
    }
}
