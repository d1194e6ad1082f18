using System;
using System.Diagnostics;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// The kernel as traffic source: BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES runs the module's gen
/// program on a crafted frame over and over, and its redirect sends each copy out of the sender
/// interface into the veth pair. Runs on a thread inside the sender's namespace.
/// </summary>
public sealed class LiveFrameGenerator : IDisposable
{
    // Frames per syscall: small enough that a stop request is seen within milliseconds.
    private const int Chunk = 1 << 15;
    private readonly BpfObject _gen;
    private readonly string _netns;
    private readonly int _ifindex;

    public LiveFrameGenerator(string netns, int senderIfindex)
    {
        _netns = netns;
        _ifindex = senderIfindex;
        _gen = BpfObjectLoader.Load(BuiltinObjects.Resolve("gen", BpfHookKind.Xdp));
        Span<byte> key = stackalloc byte[4];
        using SafeFdHandle cfg = _gen.GetMap("gen_cfg").BorrowFd();
        Libbpf.MapUpdate(cfg, key, BitConverter.GetBytes(senderIfindex),
            MapUpdateFlags.Any).OrThrow("update an element of map", "gen_cfg");
    }

    /// <summary>
    /// Sends the frame until the duration passes or count frames went out; returns frames sent and seconds taken.
    /// </summary>
    public (ulong Sent, double Seconds) Run(byte[] frame, TimeSpan? duration, ulong? count, CancellationToken cancel)
    {
        using SafeFdHandle program = _gen.GetProgram("gen").BorrowFd();
        return NetNamespace.Run(_netns, () =>
        {
            ulong sent = 0;
            var clock = Stopwatch.StartNew();
            byte[] context = Libbpf.XdpContext(frame.Length, _ifindex);
            while (!cancel.IsCancellationRequested)
            {
                if (duration is TimeSpan d && clock.Elapsed >= d) break;
                if (count is ulong c && sent >= c) break;
                int repeat = count is ulong limit ? (int)Math.Min(Chunk, limit - sent) : Chunk;
                Libbpf.TestRun(program, frame, Span<byte>.Empty, context, Span<byte>.Empty, repeat,
                    TestRunFlags.XdpLiveFrames, batchSize: 64)
                    .OrThrow("send live frames from", _netns, ErrorId.LiveFramesFailed);
                sent += (ulong)repeat;
            }
            return (sent, clock.Elapsed.TotalSeconds);
        });
    }

    public void Dispose() => _gen.Dispose();
}
