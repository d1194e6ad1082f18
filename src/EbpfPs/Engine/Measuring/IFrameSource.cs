using System;
using System.Threading;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// What sends a measurement's traffic out of the sender interface: the kernel's live frames where it runs them, a
/// packet socket where the kernel refuses them (FrameSources.Open chooses).
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>The CPU the sending thread is pinned to.</summary>
    int Cpu { get; }
    /// <summary>Frames per second to pace to; null sends as fast as it can.</summary>
    double? RatePps { get; }
    /// <summary>Frames per second the last call achieved, when known.</summary>
    double? EstimatedPps { get; }

    /// <summary>
    /// Sends until the duration passes or count frames went out; returns frames sent and seconds. sending is told the
    /// frames sent so far and the seconds taken, about once a second, on the calling thread.
    /// </summary>
    (ulong Sent, double Seconds) Run(TimeSpan? duration, ulong? count, CancellationToken cancel,
        Action<ulong, double>? sending = null);
}

/// <summary>Which source sends: live frames when the kernel runs them for this process, else a packet socket.</summary>
public static class FrameSources
{
    /// <summary>What a run's conditions say when the kernel refused live frames.</summary>
    public const string PacketSocketNote =
        "the kernel refused live frames (BPF_F_TEST_XDP_LIVE_FRAMES, EPERM): frames were sent through a packet " +
        "socket (AF_PACKET, qdisc bypass) from one CPU, which can limit the rate below what a hook takes";

    /// <summary>True when sources send through a packet socket because the kernel refuses live frames.</summary>
    public static bool UsesPacketSocket => !LiveFrames.Supported;

    public static IFrameSource Open(string netns, int senderIfindex, LiveFrameSettings settings, int cpu) =>
        UsesPacketSocket ? new PacketSocketGenerator(netns, senderIfindex, settings, cpu)
            : new LiveFrameGenerator(netns, senderIfindex, settings, cpu);
}
