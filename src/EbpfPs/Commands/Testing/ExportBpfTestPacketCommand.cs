using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine.Packets;

namespace EbpfPs.Commands;

/// <summary>Writes test packets to a pcap file (Wireshark, tcpdump) or one packet's raw bytes (bpftool).</summary>
[Cmdlet(VerbsData.Export, "BpfTestPacket", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(System.IO.FileInfo))]
public sealed class ExportBpfTestPacketCommand : FileExportCommandBase
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public BpfTestPacket[] Packet { get; set; } = null!;

    /// <summary>Pcap for capture tools; Raw for bpftool prog run data_in, which reads the file as one frame.</summary>
    [Parameter]
    public PacketFileFormat Format { get; set; } = PacketFileFormat.Pcap;

    private readonly List<byte[]> _frames = new();

    protected override void ProcessRecord()
    {
        foreach (BpfTestPacket p in Packet)
            _frames.Add(p.Bytes);
    }

    protected override void EndProcessing()
    {
        string file = TargetFile;
        WriteFile(file, $"Write {_frames.Count} packets as {Format.ToString().ToLowerInvariant()}",
            f => PacketFile.Write(f, _frames, Format));
    }
}
