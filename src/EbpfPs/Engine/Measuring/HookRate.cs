using System;
using System.Collections.Generic;
using System.Linq;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// A rate with the interval it is known to: the median of the samples and the slowest and fastest sample.
/// Min-max rather than a bootstrap interval because the demo takes 3 to 5 samples, too few for a bootstrap to
/// say more than min-max does, and min-max is what the chart's whiskers show.
/// </summary>
public readonly record struct RateInterval(double Low, double Median, double High, int Samples)
{
    /// <summary>Fewer samples than this give no interval: two medians alone cannot say which is faster.</summary>
    public const int MinSamples = 3;

    public bool Known => Samples >= MinSamples && Low <= Median && Median <= High;

    public override string ToString() => Known ? $"{Median:G4} [{Low:G4}..{High:G4}]" : $"{Median:G4}";
}

/// <summary>One measured hook at one size, as the chart and the ratio table need it (from a row or its CSV).</summary>
public sealed record HookRate
{
    public string Program { get; init; } = "";
    public MeasureTraffic Traffic { get; init; }
    public string Hook { get; init; } = "";
    public int PacketSize { get; init; }
    public RateInterval Packets { get; init; }
    public RateInterval Bits { get; init; }
    public IReadOnlyList<string> Conditions { get; init; } = Array.Empty<string>();

    /// <summary>What hooks are compared on: frames for live frames, iperf3's own rate for TCP and UDP.</summary>
    public RateInterval Compared => Traffic == MeasureTraffic.LiveFrames ? Packets : Bits;

    public static HookRate From(HookThroughput row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new HookRate
        {
            Program = row.Program,
            Traffic = row.Traffic,
            Hook = row.Hook.ToString(),
            PacketSize = row.PacketSize,
            Packets = Interval(row.PacketsPerSecond, row.SamplePacketsPerSecond, row.MinPacketsPerSecond,
                row.MaxPacketsPerSecond, row.Samples),
            Bits = Interval(row.BitsPerSecond, row.SampleBitsPerSecond, null, null, row.Samples),
            Conditions = row.Conditions.Count > 0 ? row.Conditions : SplitNote(row.Note),
        };
    }

    /// <summary>
    /// An interval from the samples when they are known, else from a min and max (a CSV row), else, for bits,
    /// scaled from the packet interval by the caller.
    /// </summary>
    public static RateInterval Interval(double median, IReadOnlyList<double>? samples, double? min, double? max,
        int count)
    {
        if (samples is { Count: > 0 })
            return new RateInterval(Math.Min(samples.Min(), median), median, Math.Max(samples.Max(), median),
                samples.Count);
        if (min is double lo && max is double hi)
            return new RateInterval(Math.Min(lo, median), median, Math.Max(hi, median), count);
        return new RateInterval(median, median, median, count);
    }

    /// <summary>The Note's conditions, one per item (the measurement joins them with "; ").</summary>
    public static IReadOnlyList<string> SplitNote(string? note) => string.IsNullOrWhiteSpace(note)
        ? Array.Empty<string>()
        : note.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
