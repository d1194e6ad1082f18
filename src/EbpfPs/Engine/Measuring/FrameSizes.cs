namespace EbpfPs.Engine.Measuring;

/// <summary>
/// What a frame carries around its payload, named once: a packet size is quoted on the wire, FCS included, while the
/// MTU counts from the IP header and the generator's template stops before the FCS.
/// </summary>
internal static class FrameSizes
{
    public const int EthernetHeader = 14;
    public const int Fcs = 4;
    public const int Ipv4Header = 20;
    public const int UdpHeader = 8;
    /// <summary>The smallest Ethernet frame, FCS included.</summary>
    public const int MinFrame = 64;
    /// <summary>What Ethernet adds to an MTU-sized packet on the wire: header and FCS.</summary>
    public const int EthernetOverhead = EthernetHeader + Fcs;
    /// <summary>What a UDP datagram's payload gets on the wire: Ethernet, IPv4 and UDP headers, and FCS.</summary>
    public const int UdpOverhead = EthernetOverhead + Ipv4Header + UdpHeader;

    /// <summary>The largest frame on the wire an interface of this MTU sends.</summary>
    public static int LargestFrame(int mtu) => mtu + EthernetOverhead;
}
