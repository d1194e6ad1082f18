using System;
using System.Management.Automation;
using System.Net;
using System.Net.NetworkInformation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Packets;

namespace EbpfPs.Commands;

/// <summary>
/// Builds an Ethernet frame (optionally VLAN-tagged) with IPv4 or IPv6 and UDP, TCP or ICMP, checksums right.
/// </summary>
[Cmdlet(VerbsCommon.New, "BpfTestPacket", DefaultParameterSetName = "Udp")]
[OutputType(typeof(BpfTestPacket))]
public sealed class NewBpfTestPacketCommand : EbpfCmdlet
{
    [Parameter(ParameterSetName = "Udp")] public SwitchParameter Udp { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Tcp")] public SwitchParameter Tcp { get; set; }
    [Parameter(Mandatory = true, ParameterSetName = "Icmp")] public SwitchParameter Icmp { get; set; }

    [Parameter] public string Source { get; set; } = "198.18.0.1";
    [Parameter] public string Destination { get; set; } = "198.18.0.2";
    [Parameter] public string SourceMac { get; set; } = "02:00:00:00:00:01";
    [Parameter] public string DestinationMac { get; set; } = "02:00:00:00:00:02";
    [Parameter(ParameterSetName = "Udp")]
    [Parameter(ParameterSetName = "Tcp")]
    public ushort SourcePort { get; set; } = 9;

    [Parameter(ParameterSetName = "Udp")]
    [Parameter(ParameterSetName = "Tcp")]
    public ushort DestinationPort { get; set; } = 9;
    [Parameter] public byte Ttl { get; set; } = 64;

    /// <summary>802.1Q VLAN id (1-4094).</summary>
    [Parameter] [ValidateRange(1, 4094)] public ushort VlanId { get; set; }

    /// <summary>802.1ad outer VLAN id (QinQ), placed before the 802.1Q tag.</summary>
    [Parameter] [ValidateRange(1, 4094)] public ushort OuterVlanId { get; set; }

    /// <summary>Payload bytes, or text sent as ASCII.</summary>
    [Parameter] public object? Payload { get; set; }

    /// <summary>
    /// Total frame length in bytes without FCS (60 is the Ethernet minimum); the payload is zero-filled to reach it.
    /// </summary>
    [Parameter] [ValidateRange(14, 65535)] public int FrameLength { get; set; }

    protected override bool NeedsLibbpf => false;

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            object? payload = Payload is PSObject p ? p.BaseObject : Payload;
            var spec = new PacketSpec
            {
                SourceMac = Mac(SourceMac),
                DestinationMac = Mac(DestinationMac),
                Source = Address(Source),
                Destination = Address(Destination),
                Protocol = Tcp ? L4Protocol.Tcp : Icmp ? L4Protocol.Icmp : L4Protocol.Udp,
                SourcePort = SourcePort,
                DestinationPort = DestinationPort,
                Ttl = Ttl,
                VlanId = VlanId == 0 ? null : VlanId,
                OuterVlanId = OuterVlanId == 0 ? null : OuterVlanId,
                Payload = payload switch { null => Array.Empty<byte>(), byte[] b => b, _ =>
                    System.Text.Encoding.ASCII.GetBytes(payload.ToString()!) },
                FrameLength = FrameLength == 0 ? null : FrameLength,
            };
            WriteObject(BpfTestPacket.Parse(PacketBuilder.Build(spec)));
        });
    }

    /// <summary>Six bytes (02:00:00:00:00:01); PhysicalAddress.Parse alone takes "02:00" as a 2-byte address.</summary>
    private static PhysicalAddress Mac(string text)
    {
        PhysicalAddress? mac = null;
        try { mac = PhysicalAddress.Parse(text.Replace(':', '-').ToUpperInvariant()); }
        catch (FormatException) { }
        return mac is not null && mac.GetAddressBytes().Length == 6 ? mac
            : throw new BpfException(ErrorId.InvalidMacAddress,
                $"'{text}' is not a MAC address (six bytes, such as 02:00:00:00:00:01).", text);
    }

    private static IPAddress Address(string text) =>
        IPAddress.TryParse(text, out IPAddress? ip) ? ip : throw new BpfException(ErrorId.InvalidIpAddress,
            $"'{text}' is not an IP address.", text);
}
