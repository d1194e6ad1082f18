using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace EbpfPs.Interop.Netlink;

/// <summary>
/// Builds one netlink request: the 16-byte nlmsghdr, a family header (ifinfomsg, tcmsg, genlmsghdr,
/// written by the caller as bytes) and attributes, each 4-byte aligned as the kernel expects.
/// </summary>
internal sealed class NetlinkMessage
{
    internal const int HeaderLength = 16;
    private readonly List<byte> _bytes = new(64);

    internal NetlinkMessage(ushort type, Kernel.NetlinkFlags flags, ReadOnlySpan<byte> familyHeader)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        header.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)flags);
        _bytes.AddRange(header.ToArray());
        _bytes.AddRange(familyHeader.ToArray());
        Pad();
    }

    internal NetlinkMessage Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> head = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(head, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(head[2..], type);
        _bytes.AddRange(head.ToArray());
        _bytes.AddRange(value.ToArray());
        Pad();
        return this;
    }

    internal NetlinkMessage Attribute(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        return Attribute(type, v);
    }

    /// <summary>The request's bytes with its length and sequence number filled in.</summary>
    internal byte[] Finish(uint sequence)
    {
        byte[] message = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        return message;
    }

    private void Pad()
    {
        while (_bytes.Count % 4 != 0) _bytes.Add(0);
    }

    internal static int Align(int n) => (n + 3) & ~3;
}
