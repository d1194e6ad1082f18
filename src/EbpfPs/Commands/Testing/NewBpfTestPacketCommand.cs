using System;
using System.Management.Automation;
using System.Net;
using System.Net.NetworkInformation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Packets;
using EbpfPs.Engine.TestNetwork;

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

    /// <summary>A test network (or its name) whose interfaces -From and -To name.</summary>
    [Parameter]
    [TestNetworkTransformation]
    [ArgumentCompleter(typeof(TestNetworkNameCompleter))]
    public BpfTestNetwork? Network { get; set; }

    /// <summary>The sending interface's role in -Network (ClientA, A, ...): source address and MAC.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(TestInterfaceRoleCompleter))]
    public string? From { get; set; }

    /// <summary>The receiving interface's role in -Network: the destination address.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(TestInterfaceRoleCompleter))]
    public string? To { get; set; }

    protected override bool NeedsLibbpf => false;

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            object? payload = Payload is PSObject p ? p.BaseObject : Payload;
            TestNetworkPath? path = Path();
            string Given(string name, string value, Func<TestNetworkPath, string> fromNetwork) =>
                path is null || MyInvocation.BoundParameters.ContainsKey(name) ? value : fromNetwork(path);
            var spec = new PacketSpec
            {
                SourceMac = Mac(Given(nameof(SourceMac), SourceMac, n => n.SourceMac)),
                DestinationMac = Mac(Given(nameof(DestinationMac), DestinationMac, n => n.DestinationMac)),
                Source = Address(Given(nameof(Source), Source, n => n.Source)),
                Destination = Address(Given(nameof(Destination), Destination, n => n.Destination)),
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

    /// <summary>
    /// Addresses and MACs between -From and -To of -Network; explicit -Source and the like still win.
    /// </summary>
    private TestNetworkPath? Path()
    {
        if (Network is null && From is null && To is null)
            return null;
        if (Network is null || From is null || To is null)
            throw new BpfException(ErrorId.TestPacketPathIncomplete,
                "-Network, -From and -To go together: name the test network and the roles of the sending and " +
                "the receiving interface (e.g. -From ClientA -To ClientB).", Network?.Name ?? From ?? To);
        return TestNetworkPath.Between(Network, From, To);
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
