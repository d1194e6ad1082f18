using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace EbpfPs.Interop.Netlink;

/// <summary>One message of a netlink reply: its type and payload (family header plus attributes).</summary>
internal readonly struct NetlinkReply
{
    private NetlinkReply(ushort type, uint sequence, ReadOnlyMemory<byte> payload)
    {
        Type = type;
        Sequence = sequence;
        Payload = payload;
    }

    public ushort Type { get; }
    /// <summary>The nlmsg_seq of the request this answers.</summary>
    public uint Sequence { get; }
    /// <summary>What follows the nlmsghdr.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>For NLMSG_ERROR: the errno it carries (None for an acknowledgement).</summary>
    public Errno ErrorCode => Payload.Length >= 4 ? (Errno)(-BinaryPrimitives.ReadInt32LittleEndian(Payload.Span))
        : Errno.EIO;

    /// <summary>The attributes after a family header of the given length.</summary>
    public IEnumerable<NetlinkAttribute> Attributes(int familyHeaderLength) =>
        NetlinkAttribute.Read(Payload.Length > familyHeaderLength ? Payload[familyHeaderLength..]
            : ReadOnlyMemory<byte>.Empty);

    /// <summary>The messages in one datagram; a truncated or malformed tail ends the walk.</summary>
    public static IEnumerable<NetlinkReply> Split(ReadOnlyMemory<byte> datagram)
    {
        int offset = 0;
        while (offset + NetlinkMessage.HeaderLength <= datagram.Length)
        {
            ReadOnlySpan<byte> header = datagram.Span[offset..];
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length < NetlinkMessage.HeaderLength || offset + length > datagram.Length)
                yield break;
            yield return new NetlinkReply(BinaryPrimitives.ReadUInt16LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(header[8..]),
                datagram.Slice(offset + NetlinkMessage.HeaderLength, length - NetlinkMessage.HeaderLength));
            offset += NetlinkMessage.Align(length);
        }
    }
}

/// <summary>One netlink attribute (struct nlattr and its value); nested attributes read the same way.</summary>
internal readonly struct NetlinkAttribute
{
    // NLA_F_NESTED and NLA_F_NET_BYTEORDER share the type field's top bits.
    private const ushort TypeMask = 0x3fff;

    private NetlinkAttribute(ushort type, ReadOnlyMemory<byte> value)
    {
        Type = type;
        Value = value;
    }

    public ushort Type { get; }
    public ReadOnlyMemory<byte> Value { get; }

    public uint U32 => Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Value.Span) : 0;
    public ulong U64 => Value.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Value.Span) : 0;
    public ushort U16 => Value.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(Value.Span) : (ushort)0;
    public string Text => System.Text.Encoding.UTF8.GetString(Value.Span).TrimEnd('\0');
    public IEnumerable<NetlinkAttribute> Nested => Read(Value);

    public static IEnumerable<NetlinkAttribute> Read(ReadOnlyMemory<byte> data)
    {
        int offset = 0;
        while (offset + 4 <= data.Length)
        {
            ReadOnlySpan<byte> span = data.Span[offset..];
            ushort length = BinaryPrimitives.ReadUInt16LittleEndian(span);
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) & TypeMask);
            if (length < 4 || offset + length > data.Length)
                yield break;
            yield return new NetlinkAttribute(type, data.Slice(offset + 4, length - 4));
            offset += NetlinkMessage.Align(length);
        }
    }

    /// <summary>The first attribute of a type, if any.</summary>
    public static NetlinkAttribute? Find(IEnumerable<NetlinkAttribute> attributes, ushort type)
    {
        foreach (NetlinkAttribute a in attributes)
            if (a.Type == type)
                return a;
        return null;
    }
}
