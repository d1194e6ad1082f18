using System;
using System.Diagnostics;
using System.Threading;
using EbpfPs.Native;

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
        MapCells.Update(_gen.GetMap("gen_cfg").Fd, key, BitConverter.GetBytes(senderIfindex), what: "gen_cfg");
    }

    /// <summary>Sends the frame until the duration passes or count frames went out; returns frames sent and seconds taken.</summary>
    public (ulong Sent, double Seconds) Run(byte[] frame, TimeSpan? duration, ulong? count, CancellationToken cancel)
    {
        int progFd = _gen.GetProgram("gen").Fd;
        return NetNamespace.Run(_netns, () =>
        {
            ulong sent = 0;
            var clock = Stopwatch.StartNew();
            unsafe
            {
                fixed (byte* data = frame)
                {
                    var ctx = new Libbpf.XdpMd { DataEnd = (uint)frame.Length, IngressIfindex = (uint)_ifindex };
                    while (!cancel.IsCancellationRequested)
                    {
                        if (duration is TimeSpan d && clock.Elapsed >= d) break;
                        if (count is ulong c && sent >= c) break;
                        int repeat = count is ulong limit ? (int)Math.Min(Chunk, limit - sent) : Chunk;
                        var opts = new Libbpf.TestRunOpts
                        {
                            DataIn = data, DataSizeIn = (uint)frame.Length,
                            CtxIn = &ctx, CtxSizeIn = (uint)sizeof(Libbpf.XdpMd),
                            Repeat = repeat, Flags = Libbpf.TestXdpLiveFrames, BatchSize = 64,
                        };
                        int rc = Libbpf.ProgTestRun(progFd, ref opts);
                        if (rc < 0)
                            throw BpfException.FromErrno(-rc, "send live frames from", _netns, "LiveFramesFailed");
                        sent += (ulong)repeat;
                    }
                }
            }
            return (sent, clock.Elapsed.TotalSeconds);
        });
    }

    public void Dispose() => _gen.Dispose();
}
