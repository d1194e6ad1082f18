using System;
using System.Threading;
using EbpfPs.Engine.Network;

namespace EbpfPs.Engine.Measuring;

/// <summary>Send-BpfTestPacket: a packet out of a named interface of a namespace, count times.</summary>
public static class TestPacketSender
{
    /// <summary>Sends; sending is told the frames sent so far and the seconds taken, about once a second.</summary>
    public static TestPacketsSent Send(string interfaceName, string netns, BpfTestPacket packet, ulong count,
        CancellationToken cancel, Action<ulong, double>? sending = null)
    {
        NetInterface on = NetInterfaces.Named(interfaceName, netns);
        using IFrameSource generator = FrameSources.Open(netns, on.Index,
            new LiveFrameSettings { Frame = packet.Bytes }, LiveFrameGenerator.DefaultCpu());
        var (sent, seconds) = generator.Run(null, count, cancel, sending);
        return new TestPacketsSent(netns, interfaceName, packet.ToString(), sent, seconds);
    }
}
