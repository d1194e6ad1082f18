using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Packets;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// Traffic through a raw packet socket bound to the sender interface, for kernels that refuse live frames. Every
/// flow's frame is built once (source address and port grown by the flow's number, checksums made anew, as the gen
/// program does), so nothing a receiver rewrites can come back; frames go out in sendmmsg batches, round-robin over
/// the flows, from one thread pinned to one CPU, paced to RatePps when one is set.
/// </summary>
internal sealed class PacketSocketGenerator : IFrameSource
{
    private const int Batch = 64;
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(1);

    // The IPv4 and UDP fields a flow changes, in a frame without VLAN tags or IP options (as the gen program).
    private const int IpStart = FrameSizes.EthernetHeader, UdpStart = IpStart + FrameSizes.Ipv4Header;
    private const int IpCheck = IpStart + 10, IpSource = IpStart + 12, IpProtocolUdp = 17;
    private const int UdpSourcePort = UdpStart, UdpCheck = UdpStart + 6;

    private readonly SafeFdHandle _socket;
    private readonly byte[][] _frames;
    private readonly string _netns;
    private int _next;

    public PacketSocketGenerator(string netns, int senderIfindex, LiveFrameSettings settings, int cpu)
    {
        settings.RequireEthernetFrame();
        _netns = netns;
        Cpu = cpu;
        RatePps = settings.RatePps;
        _frames = new byte[Math.Max(1, settings.Flows)][];
        for (int i = 0; i < _frames.Length; i++)
            _frames[i] = i == 0 ? settings.Frame : FlowFrame(settings.Frame, i);
        // The socket belongs to the namespace it is made in, whichever thread sends later.
        _socket = NetNamespace.Run(netns, () => Libc.OpenPacketSocket(senderIfindex)
            .OrThrow("open a packet socket to send from", netns, ErrorId.LiveFramesFailed));
    }

    public int Cpu { get; }
    public double? RatePps { get; }
    public double? EstimatedPps { get; private set; }

    public (ulong Sent, double Seconds) Run(TimeSpan? duration, ulong? count, CancellationToken cancel,
        Action<ulong, double>? sending = null)
    {
        (ulong, double) result = default;
        Exception? failure = null;
        var reports = new System.Collections.Concurrent.BlockingCollection<(ulong, double)>();
        var thread = new Thread(() =>
        {
            try
            {
                Libc.PinToCpu(Cpu).OrThrow("pin the generator thread to CPU", Cpu);
                result = Send(duration, count, cancel, sending is null ? null : (n, t) => reports.Add((n, t)));
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                reports.CompleteAdding();
            }
        }) { IsBackground = true, Name = "packet socket generator" };
        thread.Start();
        foreach (var (n, t) in reports.GetConsumingEnumerable())
            sending!(n, t);
        thread.Join();
        reports.Dispose();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }

    private (ulong, double) Send(TimeSpan? duration, ulong? count, CancellationToken cancel,
        Action<ulong, double>? report)
    {
        ulong sent = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan reported = TimeSpan.Zero;
        while (!cancel.IsCancellationRequested)
        {
            if (count is ulong c && sent >= c) break;
            if (duration is TimeSpan d && clock.Elapsed >= d) break;
            if (RatePps is double rate)
            {
                // Due time of the next frame: send no earlier, so the rate holds over the whole run.
                double due = sent / rate;
                double wait = due - clock.Elapsed.TotalSeconds;
                if (wait > 0.0005)
                    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(wait, 0.05)));
                if (wait > 0)
                    continue;
            }
            int want = (int)Math.Min(Batch, count is ulong limit ? limit - sent : Batch);
            if (RatePps is double r)
                want = (int)Math.Clamp(Math.Min(want, r / 10_000), 1, want);
            Result<int> done = Libc.SendFrames(_socket, _frames, _next, want);
            if (!done.Ok)
            {
                // A full device queue is back-pressure, not failure: try again.
                if (done.Errno is Errno.ENOBUFS or Errno.EAGAIN)
                    continue;
                done.OrThrow("send frames from", _netns, ErrorId.LiveFramesFailed);
            }
            _next = (_next + done.Value) % _frames.Length;
            sent += (ulong)done.Value;
            if (report is not null && clock.Elapsed - reported >= ReportEvery)
            {
                reported = clock.Elapsed;
                report(sent, clock.Elapsed.TotalSeconds);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        if (seconds > 0 && sent > 0)
            EstimatedPps = sent / seconds;
        report?.Invoke(sent, seconds);
        return (sent, seconds);
    }

    /// <summary>Flow i's frame: source address and UDP source port grown by i, both checksums made anew.</summary>
    private static byte[] FlowFrame(byte[] template, int i)
    {
        byte[] f = (byte[])template.Clone();
        if (f.Length < UdpStart + FrameSizes.UdpHeader)
            return f;
        Span<byte> s = f;
        BinaryPrimitives.WriteUInt32BigEndian(s[IpSource..], BinaryPrimitives.ReadUInt32BigEndian(s[IpSource..]) +
            (uint)i);
        BinaryPrimitives.WriteUInt16BigEndian(s[UdpSourcePort..],
            (ushort)(BinaryPrimitives.ReadUInt16BigEndian(s[UdpSourcePort..]) + i));
        BinaryPrimitives.WriteUInt16BigEndian(s[IpCheck..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(s[IpCheck..],
            Checksum.Fold(Checksum.Add(0, s.Slice(IpStart, FrameSizes.Ipv4Header))));
        if (BinaryPrimitives.ReadUInt16BigEndian(s[UdpCheck..]) != 0)
        {
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(s[(UdpStart + 4)..]);
            udpLength = Math.Min(udpLength, f.Length - UdpStart);
            BinaryPrimitives.WriteUInt16BigEndian(s[UdpCheck..], 0);
            uint sum = Checksum.AddPseudoHeader(0, s, IpStart, ipv6: false, IpProtocolUdp, udpLength);
            ushort check = Checksum.Fold(Checksum.Add(sum, s.Slice(UdpStart, udpLength)));
            BinaryPrimitives.WriteUInt16BigEndian(s[UdpCheck..], check == 0 ? (ushort)0xffff : check);
        }
        return f;
    }

    public void Dispose() => _socket.Dispose();
}
