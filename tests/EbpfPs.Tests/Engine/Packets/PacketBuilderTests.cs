using System.Net;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Packets;
using Xunit;

namespace EbpfPs.Tests.Engine.Packets;

public class PacketBuilderTests
{
    [Theory]
    [InlineData(L4Protocol.Udp, "198.18.0.1", "198.18.0.2")]
    [InlineData(L4Protocol.Tcp, "198.18.0.1", "198.18.0.2")]
    [InlineData(L4Protocol.Icmp, "198.18.0.1", "198.18.0.2")]
    [InlineData(L4Protocol.Udp, "2001:2::1", "2001:2::2")]
    [InlineData(L4Protocol.Icmp, "2001:2::1", "2001:2::2")]
    public void ChecksumsVerifyAndFieldsParseBack(L4Protocol protocol, string source, string destination)
    {
        var spec = new PacketSpec
        {
            Protocol = protocol, Source = IPAddress.Parse(source), Destination = IPAddress.Parse(destination),
            SourcePort = 1234, DestinationPort = 5001, Ttl = 17, Payload = new byte[] { 1, 2, 3, 4, 5 },
        };
        BpfTestPacket p = BpfTestPacket.Parse(PacketBuilder.Build(spec));
        Assert.True(p.ChecksumsValid);
        Assert.Equal(IPAddress.Parse(source).ToString(), p.Source);
        Assert.Equal(IPAddress.Parse(destination).ToString(), p.Destination);
        Assert.Equal(17, p.Ttl);
        if (protocol != L4Protocol.Icmp)
        {
            Assert.Equal(1234, p.SourcePort);
            Assert.Equal(5001, p.DestinationPort);
        }
    }

    [Fact]
    public void OneFlippedBitBreaksTheChecksum()
    {
        byte[] frame = PacketBuilder.Build(new PacketSpec { Payload = new byte[] { 9, 9, 9 } });
        frame[^1] ^= 0x01;
        Assert.False(BpfTestPacket.Parse(frame).ChecksumsValid);
    }

    [Fact]
    public void FrameLengthPadsAndTagsStack()
    {
        byte[] frame = PacketBuilder.Build(new PacketSpec { FrameLength = 60, VlanId = 10, OuterVlanId = 20 });
        Assert.Equal(60, frame.Length);
        Assert.Equal(new ushort[] { 20, 10 }, BpfTestPacket.Parse(frame).VlanIds);
        Assert.Equal(0x88, frame[12]); // 802.1ad outer tag first
        Assert.Equal(0x81, frame[16]);
    }

    [Fact]
    public void TooShortForTheHeadersIsAnError()
    {
        var e = Assert.Throws<BpfException>(() => PacketBuilder.Build(new PacketSpec { FrameLength = 30 }));
        Assert.Equal("FrameTooShort", e.ErrorId);
    }

    [Fact]
    public void Rfc1071Example()
    {
        // The worked example of RFC 1071 section 3: the sum of these words folds to 0xddf2, so the checksum is its
        // complement.
        byte[] data = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
        Assert.Equal((ushort)(~0xddf2 & 0xffff), Checksum.Fold(Checksum.Add(0, data)));
    }
}
