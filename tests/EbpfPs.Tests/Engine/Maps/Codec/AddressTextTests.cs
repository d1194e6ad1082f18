using System;
using System.Net;
using EbpfPs.Engine.Maps.Codec;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps.Codec;

public class AddressTextTests
{
    [Fact]
    public void Ipv4TextIsWhatIPAddressWrites()
    {
        var random = new Random(10);
        byte[] b = new byte[6];
        foreach (byte edge in new byte[] { 0, 1, 9, 10, 99, 100, 199, 255 })
        {
            b[1] = b[2] = b[3] = b[4] = edge;
            Assert.Equal(new IPAddress(b.AsSpan(1, 4)).ToString(), AddressText.Ipv4(b, 1));
        }
        for (int i = 0; i < 10000; i++)
        {
            random.NextBytes(b);
            Assert.Equal(new IPAddress(b.AsSpan(2, 4)).ToString(), AddressText.Ipv4(b, 2));
        }
    }
}
