using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using EbpfPs.Engine.Packets;
using Newtonsoft.Json;

namespace EbpfPs;

/// <summary>A frame for tests: its bytes and what they say, as far as they parse.</summary>
public sealed record BpfTestPacket
{
    /// <summary>The frame; ConvertTo-Json writes Hex instead (a byte array there is one number per line).</summary>
    [JsonIgnore]
    public byte[] Bytes { get; init; } = Array.Empty<byte>();
    /// <summary>The frame's bytes as lowercase hex, as tcpdump -xx and bpftool print them.</summary>
    public string Hex => Convert.ToHexString(Bytes).ToLowerInvariant();
    public int Length => Bytes.Length;
    public string SourceMac { get; init; } = "";
    public string DestinationMac { get; init; } = "";
    public IReadOnlyList<ushort> VlanIds { get; init; } = Array.Empty<ushort>();
    public string? Source { get; init; }
    public string? Destination { get; init; }
    public string? Protocol { get; init; }
    public int? SourcePort { get; init; }
    public int? DestinationPort { get; init; }
    public int? Ttl { get; init; }
    /// <summary>True when the IPv4 header checksum and the L4 checksum verify.</summary>
    public bool? ChecksumsValid { get; init; }

    public override string ToString()
    {
        string vlans = VlanIds.Count > 0 ? " vlan " + string.Join("/", VlanIds) : "";
        string from = SourcePort is null ? $"{Source}" : $"{Source}:{SourcePort}";
        string to = DestinationPort is null ? $"{Destination}" : $"{Destination}:{DestinationPort}";
        return $"{Length} bytes {SourceMac} > {DestinationMac}{vlans} {Protocol} {from} > {to}";
    }

    /// <summary>
    /// Decodes Ethernet, VLAN tags, IPv4/IPv6 and UDP/TCP/ICMP headers; what does not parse stays null.
    /// </summary>
    public static BpfTestPacket Parse(byte[] frame)
    {
        if (frame.Length < PacketBuilder.EthernetHeader)
            return new BpfTestPacket { Bytes = frame };
        string Mac(int o) => string.Join(":", frame.AsSpan(o, 6).ToArray().Select(b => b.ToString("x2")));
        var vlans = new List<ushort>();
        int o = 12;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o));
        while ((type == PacketBuilder.EtherTypeVlan || type == PacketBuilder.EtherTypeQinQ) && o + 6 <= frame.Length)
        {
            vlans.Add((ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 2)) & 0x0fff));
            o += 4;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o));
        }
        o += 2;
        var packet = new BpfTestPacket { Bytes = frame, DestinationMac = Mac(0), SourceMac = Mac(6), VlanIds = vlans };
        int l4, l4Length;
        byte protocol;
        bool valid = true;
        if (type == PacketBuilder.EtherTypeIpv4 && o + 20 <= frame.Length)
        {
            int ihl = (frame[o] & 0xf) * 4;
            int total = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 2));
            if (ihl < 20 || o + total > frame.Length || total < ihl)
                return packet with { Protocol = "IPv4 (malformed)" };
            protocol = frame[o + 9];
            valid &= Checksum.Verify(frame.AsSpan(o, ihl));
            packet = packet with { Source = new IPAddress(frame.AsSpan(o + 12, 4)).ToString(),
                Destination = new IPAddress(frame.AsSpan(o + 16, 4)).ToString(), Ttl = frame[o + 8] };
            l4 = o + ihl;
            l4Length = total - ihl;
            if (protocol != 1 && !L4Valid(frame, o, false, protocol, l4, l4Length)) valid = false;
            if (protocol == 1) valid &= Checksum.Verify(frame.AsSpan(l4, l4Length));
        }
        else if (type == PacketBuilder.EtherTypeIpv6 && o + 40 <= frame.Length)
        {
            l4Length = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(o + 4));
            protocol = frame[o + 6];
            if (o + 40 + l4Length > frame.Length)
                return packet with { Protocol = "IPv6 (malformed)" };
            packet = packet with { Source = new IPAddress(frame.AsSpan(o + 8, 16)).ToString(),
                Destination = new IPAddress(frame.AsSpan(o + 24, 16)).ToString(), Ttl = frame[o + 7] };
            l4 = o + 40;
            valid &= L4Valid(frame, o, true, protocol, l4, l4Length);
        }
        else
        {
            return packet with { Protocol = $"0x{type:x4}" };
        }
        switch (protocol)
        {
            case 17 when l4Length >= 8:
                return packet with { Protocol = "UDP",
                    SourcePort = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4)),
                    DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + 2)),
                    ChecksumsValid = valid };
            case 6 when l4Length >= 20:
                return packet with { Protocol = "TCP",
                    SourcePort = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4)),
                    DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(l4 + 2)),
                    ChecksumsValid = valid };
            case 1 or 58:
                return packet with { Protocol = protocol == 1 ? "ICMP" : "ICMPv6", ChecksumsValid = valid };
            default:
                return packet with { Protocol = $"IP protocol {protocol}" };
        }
    }

    private static bool L4Valid(byte[] frame, int ip, bool ipv6, byte protocol, int l4, int length)
    {
        uint sum = Checksum.Add(0, frame.AsSpan(l4, length));
        sum = Checksum.AddPseudoHeader(sum, frame, ip, ipv6, protocol, length);
        return Checksum.Fold(sum) == 0;
    }
}
