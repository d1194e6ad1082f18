using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace EbpfPs.Engine.Maps.Watching;

/// <summary>One sample of a watch: its place on the schedule, how late it was taken, and its rows.</summary>
public sealed record MapWatchSample(SampleTime Time, IReadOnlyList<MapSampleRow> Rows);

/// <summary>
/// Keeps a watch's clock: samples are due at start + n * interval and are taken on a thread of their own, so a
/// slow consumer (a pipeline that formats or writes every row) does not stretch the interval. A sample taken
/// after its time says by how much; slots that passed meanwhile are skipped, so the next sample is due on the
/// grid again; rates come from the actual time between reads. The consumer may fall a few samples behind; past
/// that the sampler waits for it, and the sample due meanwhile says it is late.
/// </summary>
public sealed class MapWatch
{
    private const int Backlog = 4;
    private readonly IMapSampler _sampler;
    private readonly TimeSpan _interval;
    private readonly int _count;

    public MapWatch(IMapSampler sampler, TimeSpan interval, int count)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval));
        _sampler = sampler;
        _interval = interval;
        _count = count;
    }

    /// <summary>
    /// How late a sample may start and still count as on time: a tenth of the interval, at most 100 ms
    /// (thread wake-ups on a busy machine take a few).
    /// </summary>
    public TimeSpan Tolerance =>
        TimeSpan.FromTicks(Math.Min(_interval.Ticks / 10, TimeSpan.FromMilliseconds(100).Ticks));

    /// <summary>The baseline, then count samples (0: until stop), each as soon as it is taken.</summary>
    public IEnumerable<MapWatchSample> Run(CancellationToken stop)
    {
        using var queue = new BlockingCollection<MapWatchSample>(Backlog);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop);
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try { Sample(queue, linked.Token); }
            catch (OperationCanceledException) when (linked.IsCancellationRequested) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        })
        { IsBackground = true, Name = "EbpfPs map watch" };
        worker.Start();
        try
        {
            while (true)
            {
                MapWatchSample? next = null;
                try
                {
                    if (!queue.TryTake(out next, Timeout.Infinite, stop))
                        break;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                yield return next;
            }
        }
        finally
        {
            // The sampler reads through the caller's map fd: it must be done before the caller closes it.
            linked.Cancel();
            worker.Join();
        }
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private void Sample(BlockingCollection<MapWatchSample> queue, CancellationToken stop)
    {
        long start = Stopwatch.GetTimestamp();
        DateTime startWall = DateTime.Now;
        _sampler.Next(new SampleTime(0, startWall, startWall, start, TimeSpan.Zero, false));
        long slot = 0;
        for (int n = 1; _count == 0 || n <= _count; n++)
        {
            slot++;
            if (!TryOffset(slot, out TimeSpan at) || !WaitUntil(start, at, stop))
                return;
            long ticks = Stopwatch.GetTimestamp();
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start, ticks);
            TimeSpan late = elapsed - at;
            var time = new SampleTime(n, startWall + at, startWall + elapsed, ticks, late, late > Tolerance);
            IReadOnlyList<MapSampleRow> rows = _sampler.Next(time);
            // A late sample is late against the slot after the one before it; slots that passed before it was
            // taken are skipped, so the next one is due on the grid again, not in a burst of catch-up reads. Time
            // spent waiting for the consumer below is not skipped: the sample due meanwhile says it is late.
            slot = Math.Max(slot, elapsed.Ticks / _interval.Ticks);
            queue.Add(new MapWatchSample(time, rows), stop);
        }
    }

    /// <summary>Slot n's time from the start; false when it is past what a DateTime can hold (-Interval 1e9).</summary>
    private bool TryOffset(long slot, out TimeSpan at)
    {
        at = default;
        if (slot > (DateTime.MaxValue - DateTime.Now).Ticks / _interval.Ticks)
            return false;
        at = TimeSpan.FromTicks(slot * _interval.Ticks);
        return true;
    }

    /// <summary>Waits until at has passed since start; false when stopped first. Waits a day at a time.</summary>
    private static bool WaitUntil(long start, TimeSpan at, CancellationToken stop)
    {
        for (TimeSpan left = at - Stopwatch.GetElapsedTime(start); left > TimeSpan.Zero;
             left = at - Stopwatch.GetElapsedTime(start))
            if (stop.WaitHandle.WaitOne(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1)))
                return false;
        return !stop.IsCancellationRequested;
    }
}
