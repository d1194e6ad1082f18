using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Maps.Watching;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps.Watching;

/// <summary>
/// MapWatch's clock with a sampler that records when it was asked: samples are due on the grid start + n *
/// interval, a read that overruns makes the next sample say it is late, and slots it overran are skipped.
/// </summary>
public class MapWatchTests
{
    private sealed class RecordingSampler(Func<int, TimeSpan> readTime) : IMapSampler
    {
        public List<SampleTime> Times { get; } = new();

        public IReadOnlyList<MapSampleRow> Next(SampleTime time)
        {
            Times.Add(time);
            Thread.Sleep(readTime(time.Number));
            return Array.Empty<MapSampleRow>();
        }
    }

    [Fact]
    public void SamplesStayOnTheGridAndAnOverrunMakesTheNextOneLate()
    {
        var interval = TimeSpan.FromMilliseconds(40);
        // The second read takes 2.5 intervals: the third sample is due during it.
        var sampler = new RecordingSampler(n => n == 2 ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
        var samples = new MapWatch(sampler, interval, 5).Run(CancellationToken.None).ToList();

        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, samples.Select(s => s.Time.Number));
        DateTime origin = sampler.Times[0].Scheduled;
        var slots = samples.Select(s => (s.Time.Scheduled - origin).Ticks).ToList();
        Assert.All(slots, ticks => Assert.Equal(0, ticks % interval.Ticks));
        Assert.Equal(slots.OrderBy(t => t).Distinct(), slots);
        Assert.All(samples, s => Assert.Equal(s.Time.Taken - s.Time.Scheduled, s.Time.LateBy));
        // Due one interval after the second, taken only when its 100 ms read was over: at least 60 ms late.
        Assert.True(samples[2].Time.Late);
        Assert.True(samples[2].Time.LateBy >= TimeSpan.FromMilliseconds(60), $"{samples[2].Time.LateBy}");
        // The slots that passed during that read are skipped: the fourth sample is due after the third was taken.
        Assert.True(samples[3].Time.Scheduled > samples[2].Time.Taken);
    }

    [Fact]
    public void StopEndsAWatchThatWaitsForItsNextSample()
    {
        var sampler = new RecordingSampler(_ => TimeSpan.Zero);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var samples = new MapWatch(sampler, TimeSpan.FromDays(365), 0).Run(stop.Token).ToList();
        Assert.Empty(samples);
        Assert.Single(sampler.Times); // the baseline
    }
}
