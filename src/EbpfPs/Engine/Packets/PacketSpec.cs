using System;
using System.Net;
using System.Net.NetworkInformation;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs.Engine.Packets;

[JsonConverter(typeof(StringEnumConverter))]
public enum L4Protocol
{
    Udp,
    Tcp,
    Icmp,
}

/// <summary>What a test frame should hold; Build writes it with correct lengths and checksums.</summary>
public sealed record PacketSpec
{
    public PhysicalAddress SourceMac { get; init; } = PhysicalAddress.Parse("02-00-00-00-00-01");
    public PhysicalAddress DestinationMac { get; init; } = PhysicalAddress.Parse("02-00-00-00-00-02");
    /// <summary>802.1Q VLAN id (1-4094), or null for untagged.</summary>
    public ushort? VlanId { get; init; }
    /// <summary>802.1ad outer (service) VLAN id, placed before the 802.1Q tag.</summary>
    public ushort? OuterVlanId { get; init; }
    public IPAddress Source { get; init; } = IPAddress.Parse("198.18.0.1");
    public IPAddress Destination { get; init; } = IPAddress.Parse("198.18.0.2");
    public L4Protocol Protocol { get; init; } = L4Protocol.Udp;
    public ushort SourcePort { get; init; } = 9;
    public ushort DestinationPort { get; init; } = 9;
    public byte Ttl { get; init; } = 64;
    /// <summary>Payload bytes; ignored when FrameLength is set.</summary>
    public byte[] Payload { get; init; } = Array.Empty<byte>();
    /// <summary>Total frame length without FCS; the payload is zero-filled to reach it.</summary>
    public int? FrameLength { get; init; }
}
