using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Measuring;

/// <summary>What the generator sends: a template frame, how many flows, and at what rate.</summary>
public sealed record LiveFrameSettings
{
    /// <summary>The frame without FCS; an Ethernet + IPv4 + UDP frame when Flows is above 1.</summary>
    public required byte[] Frame { get; init; }
    /// <summary>Distinct flows sent round-robin; flow i adds i to the source address and source port.</summary>
    public int Flows { get; init; } = 1;
    /// <summary>Frames per second to pace to (a token bucket in the generator); null sends as fast as it can.</summary>
    public double? RatePps { get; init; }

    /// <summary>Every source sends whole Ethernet frames: shorter is refused before anything loads.</summary>
    internal void RequireEthernetFrame()
    {
        if (Frame.Length < FrameSizes.EthernetHeader)
            throw new BpfException(ErrorId.InvalidTemplateFrame,
                "A template frame needs at least an Ethernet header.", Frame.Length);
    }
}

/// <summary>
/// The kernel as traffic source: BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES runs the module's gen
/// program on the template over and over, and its redirect sends each copy out of the sender
/// interface. The sender interface, the template, the flow count and the pacing rate are constants
/// set before load, so the program does no map lookups; frames sent are the repeat counts asked for.
/// Runs on a thread inside the sender's namespace, pinned to one CPU.
/// </summary>
public sealed class LiveFrameGenerator : IFrameSource
{
    /// <summary>Frames per batch: redirects are flushed once a batch; 64 fill a quarter of a veth ring.</summary>
    public const int BatchSize = 64;
    /// <summary>
    /// Longest single BPF_PROG_RUN: each call costs a fixed setup and teardown (an RCU grace period, 25-40 ms
    /// here), so calls are long; a stop request waits for the current one.
    /// </summary>
    public static readonly TimeSpan MaxCall = TimeSpan.FromSeconds(1);
    public const int TemplateBytes = 128;

    private readonly BpfObject _gen;
    private readonly string _netns;
    private readonly int _ifindex;
    private readonly int _length;
    private readonly byte[] _frame;
    private readonly int _batch;

    public LiveFrameGenerator(string netns, int senderIfindex, LiveFrameSettings settings, int cpu)
    {
        settings.RequireEthernetFrame();
        _netns = netns;
        _ifindex = senderIfindex;
        _frame = settings.Frame;
        _length = settings.Frame.Length;
        Cpu = cpu;
        RatePps = settings.RatePps;
        // Paced at a low rate, a whole batch would wait in the kernel's bulk queue: keep about 100 µs per batch.
        _batch = settings.RatePps is double r ? (int)Math.Clamp(r / 10_000, 1, BatchSize) : BatchSize;
        var template = new byte[TemplateBytes];
        settings.Frame.AsSpan(0, Math.Min(TemplateBytes, _length)).CopyTo(template);
        ulong intervalPs = settings.RatePps is double pps ? (ulong)Math.Max(1, Math.Round(1e12 / pps)) : 0;
        _gen = BpfObjectLoader.Load(BuiltinObjects.Resolve("gen", BpfHookKind.Xdp), new BpfLoadOptions
        {
            GlobalValues = new Dictionary<string, byte[]>
            {
                ["gen_ifindex"] = BitConverter.GetBytes((uint)senderIfindex),
                ["gen_restore_len"] = BitConverter.GetBytes((uint)Math.Min(TemplateBytes, _length)),
                ["gen_template"] = template,
                ["gen_flows"] = BitConverter.GetBytes((uint)Math.Max(1, settings.Flows)),
                ["gen_interval_ps"] = BitConverter.GetBytes(intervalPs),
            },
        });
    }

    /// <summary>The CPU the generator thread is pinned to.</summary>
    public int Cpu { get; }
    public double? RatePps { get; }
    /// <summary>Frames per second the kernel timed in the last call (without its setup and teardown).</summary>
    public double? EstimatedPps { get; private set; }

    /// <summary>The CPU a generator pins to by default: the last one allowed (CPU 0 takes most interrupts).</summary>
    public static int DefaultCpu()
    {
        int[] cpus = Libc.AllowedCpus().OrThrow("read the CPU affinity of the thread");
        return cpus.Length == 0 ? 0 : cpus[^1];
    }

    /// <summary>
    /// Sends until the duration passes or count frames went out; returns frames sent and seconds. With sending,
    /// the frames sent so far and the seconds taken are reported after each call (about once a second), on the
    /// calling thread, so a long run shows progress where the caller can show it.
    /// </summary>
    public (ulong Sent, double Seconds) Run(TimeSpan? duration, ulong? count, CancellationToken cancel,
        Action<ulong, double>? sending = null)
    {
        if (sending is null)
            return Send(duration, count, cancel, null);
        using var reports = new System.Collections.Concurrent.BlockingCollection<(ulong, double)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var run = System.Threading.Tasks.Task.Run(() =>
        {
            try { return Send(duration, count, stop.Token, (n, t) => reports.Add((n, t))); }
            finally { reports.CompleteAdding(); }
        });
        bool consumed = false;
        try
        {
            foreach (var (n, t) in reports.GetConsumingEnumerable())
                sending(n, t);
            consumed = true;
        }
        finally
        {
            // The report failed (the pipeline is stopping, say): stop sending and wait, so the object and its
            // program fd are not released under a call still running.
            if (!consumed)
            {
                stop.Cancel();
                try { run.Wait(); }
                catch (AggregateException) { }
            }
        }
        return run.GetAwaiter().GetResult();
    }

    private (ulong Sent, double Seconds) Send(TimeSpan? duration, ulong? count, CancellationToken cancel,
        Action<ulong, double>? report)
    {
        using SafeFdHandle program = _gen.GetProgram("gen").BorrowFd();
        return NetNamespace.Run(_netns, () =>
        {
            Libc.PinToCpu(Cpu).OrThrow("pin the generator thread to CPU", Cpu);
            ulong sent = 0;
            var clock = Stopwatch.StartNew();
            while (!cancel.IsCancellationRequested)
            {
                if (count is ulong c && sent >= c) break;
                TimeSpan left = duration is TimeSpan d ? d - clock.Elapsed : MaxCall;
                // A remainder shorter than a tenth of the duration would cost a whole call's setup for little.
                if (duration is TimeSpan total && sent > 0 && left < total / 10) break;
                // opts.repeat is an int.
                ulong frames = Math.Min(FramesFor(left < MaxCall ? left : MaxCall), int.MaxValue);
                if (count is ulong limit) frames = Math.Min(frames, limit - sent);
                RunOnce(program, (int)frames);
                sent += frames;
                report?.Invoke(sent, clock.Elapsed.TotalSeconds);
            }
            return (sent, clock.Elapsed.TotalSeconds);
        });
    }

    private ulong FramesFor(TimeSpan time)
    {
        double? pps = RatePps is double r && (EstimatedPps is null || r < EstimatedPps) ? r : EstimatedPps;
        // Before the first call there is no estimate: a short call finds one.
        return pps is double p ? (ulong)Math.Max(1, p * Math.Max(time.TotalSeconds, 0.001)) : 1 << 16;
    }

    private void RunOnce(SafeFdHandle program, int repeat)
    {
        byte[] context = Libbpf.XdpContext(_length, _ifindex);
        Libbpf.TestRunOutput run = Libbpf.TestRun(program, _frame, Span<byte>.Empty, context, Span<byte>.Empty, repeat,
                TestRunFlags.XdpLiveFrames, (uint)_batch)
            .OrThrow("send live frames from", _netns, ErrorId.LiveFramesFailed);
        if (run.Duration > 0)
            EstimatedPps = 1e9 / run.Duration;
    }

    public void Dispose() => _gen.Dispose();
}
