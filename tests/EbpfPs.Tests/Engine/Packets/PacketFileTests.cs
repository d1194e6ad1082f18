using System;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Packets;
using Xunit;

namespace EbpfPs.Tests.Engine.Packets;

/// <summary>
/// Raw files hold one frame's bytes, as bpftool prog run data_in reads them; pcap files a header and records. The
/// verdict bpftool gives for a Raw file is checked in Export-BpfTestPacket.Tests.ps1.
/// </summary>
public sealed class PacketFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ebpfps-pktfile-" + Guid.NewGuid().ToString("N"));
    private static readonly byte[] Frame = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, 0x45 };

    public PacketFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RawIsTheFrameAndNothingElse()
    {
        string file = Path.Combine(_dir, "one.bin");
        PacketFile.Write(file, new[] { Frame }, PacketFileFormat.Raw);
        Assert.Equal(Frame, File.ReadAllBytes(file));
    }

    [Fact]
    public void PcapIsAHeaderAndOneRecordPerFrame()
    {
        string file = Path.Combine(_dir, "two.pcap");
        PacketFile.Write(file, new[] { Frame, Frame }, PacketFileFormat.Pcap);
        byte[] bytes = File.ReadAllBytes(file);
        Assert.Equal(24 + 2 * (16 + Frame.Length), bytes.Length);
        Assert.Equal(0xa1b2c3d4u, BitConverter.ToUInt32(bytes, 0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void RawRefusesAnythingButOneFrameAndWritesNothing(int count)
    {
        string file = Path.Combine(_dir, "many.bin");
        var frames = new byte[count][];
        Array.Fill(frames, Frame);
        var e = Assert.Throws<BpfException>(() => PacketFile.Write(file, frames, PacketFileFormat.Raw));
        Assert.Equal(ErrorId.RawNeedsOnePacket, e.ErrorId);
        Assert.False(File.Exists(file));
    }
}
