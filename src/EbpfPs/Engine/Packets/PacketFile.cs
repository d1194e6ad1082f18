using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Packets;

/// <summary>Writes packets in the format the reading tool expects.</summary>
public static class PacketFile
{
    public static void Write(string path, IReadOnlyList<byte[]> frames, PacketFileFormat format)
    {
        if (format == PacketFileFormat.Pcap)
        {
            Pcap.Write(path, frames);
            return;
        }
        // bpftool reads data_in whole as one frame: several frames back to back would run as one packet with
        // trailing bytes and give a verdict for nothing that was sent.
        if (frames.Count != 1)
            throw new BpfException(ErrorId.RawNeedsOnePacket,
                $"-Format Raw writes exactly one packet, as bpftool prog run data_in reads it; {frames.Count} " +
                "were given.", path, recommendedAction: "Export each packet to a file of its own, or use " +
                    "-Format Pcap for several.");
        using FileStream file = Pcap.Create(path);
        file.Write(frames[0]);
    }
}
