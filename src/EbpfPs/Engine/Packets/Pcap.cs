using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Packets;

/// <summary>Writes frames as a classic pcap file (LINKTYPE_ETHERNET) that Wireshark and tshark open.</summary>
public static class Pcap
{
    public static void Write(string path, IEnumerable<byte[]> frames, DateTime? timestamp = null)
    {
        using var file = new BinaryWriter(File.Create(path));
        file.Write(0xa1b2c3d4u);  // magic: microsecond timestamps, written in our byte order
        file.Write((ushort)2);    // version 2.4
        file.Write((ushort)4);
        file.Write(0);            // timezone offset
        file.Write(0u);           // timestamp accuracy
        file.Write(65535u);       // snap length
        file.Write(1u);           // LINKTYPE_ETHERNET
        DateTime t = (timestamp ?? DateTime.UtcNow).ToUniversalTime();
        long micros = (t - DateTime.UnixEpoch).Ticks / 10;
        foreach (byte[] frame in frames)
        {
            file.Write((uint)(micros / 1_000_000));
            file.Write((uint)(micros % 1_000_000));
            file.Write((uint)frame.Length);
            file.Write((uint)frame.Length);
            file.Write(frame);
            micros++;
        }
    }
}
