using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using EbpfPs.Native;

namespace EbpfPs.Engine.Netlink;

/// <summary>A cls_bpf (or other) filter on a clsact hook, as the kernel reports it to `tc filter show`.</summary>
internal sealed record TcFilterEntry(string Kind, uint Handle, uint Priority, ushort Protocol, uint ProgramId, string? ProgramName, bool DirectAction);

/// <summary>
/// RTM_GETTFILTER dump of one clsact direction. libbpf can query a filter it knows the handle and
/// priority of, but cannot list them, and Get-TcProgram must show filters `tc` made too.
/// </summary>
internal static class TcFilterDump
{
    private const ushort RtmNewTFilter = 44, RtmGetTFilter = 46, NlmsgError = 2, NlmsgDone = 3;
    private const ushort NlmFRequest = 1, NlmFDump = 0x300;
    private const ushort TcaKind = 1, TcaOptions = 2, TcaBpfFlags = 8, TcaBpfName = 7, TcaBpfId = 11;
    private const uint TcaBpfFlagActDirect = 1;
    internal const uint ParentIngress = 0xFFFFFFF2, ParentEgress = 0xFFFFFFF3;

    internal static List<TcFilterEntry> Dump(int ifindex, uint parent)
    {
        using var socket = new NetlinkSocket();
        Span<byte> request = stackalloc byte[36];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, 36);                  // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], RtmGetTFilter); // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NlmFRequest | NlmFDump);
        BinaryPrimitives.WriteUInt32LittleEndian(request[8..], 1);             // seq
        request[16] = 0;                                                        // tcm_family AF_UNSPEC
        BinaryPrimitives.WriteInt32LittleEndian(request[20..], ifindex);
        BinaryPrimitives.WriteUInt32LittleEndian(request[28..], parent);
        socket.Send(request);

        var filters = new List<TcFilterEntry>();
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            int length = socket.Receive(buffer);
            int offset = 0;
            while (offset + 16 <= length)
            {
                var header = buffer.AsSpan(offset);
                int msgLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
                if (msgLen < 16 || offset + msgLen > length) return filters;
                if (type == NlmsgDone) return filters;
                if (type == NlmsgError)
                {
                    int error = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
                    if (error == -LinuxErrno.EINVAL || error == -LinuxErrno.ENOENT)
                        return filters; // no clsact qdisc here: no filters
                    if (error != 0)
                        throw BpfException.FromErrno(-error, "list TC filters on ifindex", ifindex);
                    return filters;
                }
                if (type == RtmNewTFilter && msgLen >= 36)
                    if (Parse(header[16..msgLen]) is TcFilterEntry entry)
                        filters.Add(entry);
                offset += Align(msgLen);
            }
        }
    }

    private static TcFilterEntry? Parse(ReadOnlySpan<byte> tcmsg)
    {
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(tcmsg[8..]);
        uint info = BinaryPrimitives.ReadUInt32LittleEndian(tcmsg[16..]);
        string kind = "";
        uint progId = 0, flags = 0;
        string? name = null;
        foreach (var (type, value) in Attributes(tcmsg[20..]))
        {
            if (type == TcaKind)
                kind = Encoding.ASCII.GetString(value).TrimEnd('\0');
            else if (type == TcaOptions)
                foreach (var (inner, v) in Attributes(value))
                {
                    if (inner == TcaBpfId && v.Length >= 4) progId = BinaryPrimitives.ReadUInt32LittleEndian(v);
                    else if (inner == TcaBpfFlags && v.Length >= 4) flags = BinaryPrimitives.ReadUInt32LittleEndian(v);
                    else if (inner == TcaBpfName) name = Encoding.UTF8.GetString(v).TrimEnd('\0');
                }
        }
        // The kernel also reports the chain head (handle 0, no kind options); only real filters count.
        if (handle == 0 || kind.Length == 0)
            return null;
        ushort protocol = BinaryPrimitives.ReverseEndianness((ushort)(info & 0xffff));
        return new TcFilterEntry(kind, handle, info >> 16, protocol, progId, name, (flags & TcaBpfFlagActDirect) != 0);
    }

    private static List<(ushort Type, byte[] Value)> Attributes(ReadOnlySpan<byte> data)
    {
        var result = new List<(ushort, byte[])>();
        int offset = 0;
        while (offset + 4 <= data.Length)
        {
            ushort len = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]) & 0x3fff);
            if (len < 4 || offset + len > data.Length) break;
            result.Add((type, data.Slice(offset + 4, len - 4).ToArray()));
            offset += Align(len);
        }
        return result;
    }

    private static int Align(int n) => (n + 3) & ~3;
}
