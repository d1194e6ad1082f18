namespace EbpfPs;

/// <summary>How Export-BpfTestPacket lays packets out in a file.</summary>
public enum PacketFileFormat
{
    /// <summary>A classic pcap file: tcpdump, Wireshark, tshark and tcpreplay read it.</summary>
    Pcap,

    /// <summary>One frame's bytes and nothing else: what bpftool prog run data_in reads.</summary>
    Raw,
}
