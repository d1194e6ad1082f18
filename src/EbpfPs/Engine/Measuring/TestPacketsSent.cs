namespace EbpfPs;

/// <summary>What Send-BpfTestPacket handed to the interface.</summary>
public sealed record TestPacketsSent(string NetNamespace, string Interface, string Packet, ulong Sent, double Seconds);
