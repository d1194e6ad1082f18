using System;
using System.Buffers.Binary;
using System.Net.Sockets;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Packets;

/// <summary>Writes Ethernet frames (optionally VLAN-tagged) carrying IPv4 or IPv6 with UDP, TCP or ICMP.</summary>
public static class PacketBuilder
{
    public const int EthernetHeader = 14, VlanTag = 4, Ipv4Header = 20, Ipv6Header = 40, UdpHeader = 8,
        TcpHeader = 20, IcmpHeader = 8;
    public const ushort EtherTypeIpv4 = 0x0800, EtherTypeIpv6 = 0x86DD, EtherTypeVlan = 0x8100, EtherTypeQinQ = 0x88A8;

    public static int HeaderLength(PacketSpec spec) =>
        EthernetHeader + (spec.VlanId is null ? 0 : VlanTag) + (spec.OuterVlanId is null ? 0 : VlanTag)
        + (IsIpv6(spec) ? Ipv6Header : Ipv4Header) + L4Header(spec);

    public static byte[] Build(PacketSpec spec)
    {
        if (spec.Source.AddressFamily != spec.Destination.AddressFamily)
            throw new BpfException(ErrorId.AddressFamilyMismatch,
                "Source and destination must both be IPv4 or both IPv6.", spec);
        int headers = HeaderLength(spec);
        int payloadLength = spec.FrameLength is int total ? total - headers : spec.Payload.Length;
        if (payloadLength < 0)
            throw new BpfException(ErrorId.FrameTooShort,
                $"A frame of {spec.FrameLength} bytes cannot hold these headers ({headers} bytes).", spec.FrameLength);
        byte[] frame = new byte[headers + payloadLength];
        Span<byte> f = frame;

        int o = 0;
        spec.DestinationMac.GetAddressBytes().CopyTo(f);
        spec.SourceMac.GetAddressBytes().CopyTo(f[6..]);
        o = 12;
        if (spec.OuterVlanId is ushort outer) o = WriteTag(f, o, EtherTypeQinQ, outer);
        if (spec.VlanId is ushort vid) o = WriteTag(f, o, EtherTypeVlan, vid);
        BinaryPrimitives.WriteUInt16BigEndian(f[o..], IsIpv6(spec) ? EtherTypeIpv6 : EtherTypeIpv4);
        o += 2;

        int l4Length = L4Header(spec) + payloadLength;
        int ipStart = o;
        byte protocol = spec.Protocol switch
        {
            L4Protocol.Udp => 17,
            L4Protocol.Tcp => 6,
            _ => IsIpv6(spec) ? (byte)58 : (byte)1,
        };
        if (IsIpv6(spec))
        {
            f[o] = 0x60;
            BinaryPrimitives.WriteUInt16BigEndian(f[(o + 4)..], (ushort)l4Length);
            f[o + 6] = protocol;
            f[o + 7] = spec.Ttl;
            spec.Source.GetAddressBytes().CopyTo(f[(o + 8)..]);
            spec.Destination.GetAddressBytes().CopyTo(f[(o + 24)..]);
            o += Ipv6Header;
        }
        else
        {
            f[o] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(f[(o + 2)..], (ushort)(Ipv4Header + l4Length));
            BinaryPrimitives.WriteUInt16BigEndian(f[(o + 6)..], 0x4000); // don't fragment
            f[o + 8] = spec.Ttl;
            f[o + 9] = protocol;
            spec.Source.GetAddressBytes().CopyTo(f[(o + 12)..]);
            spec.Destination.GetAddressBytes().CopyTo(f[(o + 16)..]);
            BinaryPrimitives.WriteUInt16BigEndian(f[(o + 10)..],
                Checksum.Fold(Checksum.Add(0, f.Slice(o, Ipv4Header))));
            o += Ipv4Header;
        }

        int l4 = o;
        switch (spec.Protocol)
        {
            case L4Protocol.Udp:
                BinaryPrimitives.WriteUInt16BigEndian(f[l4..], spec.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 2)..], spec.DestinationPort);
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 4)..], (ushort)l4Length);
                break;
            case L4Protocol.Tcp:
                BinaryPrimitives.WriteUInt16BigEndian(f[l4..], spec.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 2)..], spec.DestinationPort);
                BinaryPrimitives.WriteUInt32BigEndian(f[(l4 + 4)..], 1);     // sequence number
                f[l4 + 12] = 5 << 4;                                          // data offset: 5 words
                f[l4 + 13] = 0x02;                                            // SYN
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 14)..], 65535); // window
                break;
            default:
                f[l4] = IsIpv6(spec) ? (byte)128 : (byte)8;                  // echo request
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 4)..], 1);      // identifier
                BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 6)..], 1);      // sequence
                break;
        }
        if (spec.FrameLength is null)
            spec.Payload.CopyTo(f[(l4 + L4Header(spec))..]);

        int checksumOffset = spec.Protocol switch { L4Protocol.Udp => 6, L4Protocol.Tcp => 16, _ => 2 };
        uint sum = Checksum.Add(0, f.Slice(l4, l4Length));
        // ICMPv4 has no pseudo-header; UDP, TCP and ICMPv6 cover the addresses, protocol and length.
        if (spec.Protocol != L4Protocol.Icmp || IsIpv6(spec))
            sum = Checksum.AddPseudoHeader(sum, f, ipStart, IsIpv6(spec), protocol, l4Length);
        ushort checksum = Checksum.Fold(sum);
        if (spec.Protocol == L4Protocol.Udp && checksum == 0)
            checksum = 0xffff; // 0 means "no checksum" in UDP
        BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + checksumOffset)..], checksum);
        return frame;
    }

    private static int WriteTag(Span<byte> f, int o, ushort tpid, ushort vid)
    {
        if (vid is 0 or > 4094)
            throw new BpfException(ErrorId.InvalidVlanId, $"VLAN id {vid} is outside 1-4094.", vid);
        BinaryPrimitives.WriteUInt16BigEndian(f[o..], tpid);
        BinaryPrimitives.WriteUInt16BigEndian(f[(o + 2)..], vid);
        return o + VlanTag;
    }

    private static bool IsIpv6(PacketSpec spec) => spec.Source.AddressFamily == AddressFamily.InterNetworkV6;

    private static int L4Header(PacketSpec spec) => spec.Protocol switch
    {
        L4Protocol.Udp => UdpHeader,
        L4Protocol.Tcp => TcpHeader,
        _ => IcmpHeader,
    };
}

/// <summary>The Internet checksum (RFC 1071): one's-complement sum of 16-bit words.</summary>
public static class Checksum
{
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            sum += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length)
            sum += (uint)(data[i] << 8);
        return sum;
    }

    internal static uint AddPseudoHeader(uint sum, ReadOnlySpan<byte> frame, int ipStart, bool ipv6, byte protocol,
        int length)
    {
        if (ipv6)
            sum = Add(sum, frame.Slice(ipStart + 8, 32));
        else
            sum = Add(sum, frame.Slice(ipStart + 12, 8));
        return sum + protocol + (uint)length;
    }

    public static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>True when data (a header with its checksum field filled in) sums to all ones.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) => Fold(Add(0, data)) == 0;
}
