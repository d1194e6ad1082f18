using System;
using System.Collections.Generic;
using System.Linq;

namespace EbpfPs.Engine.Measuring;

/// <summary>What the intervals of two rates say about which is faster.</summary>
public enum RateVerdict
{
    /// <summary>The intervals overlap, or one has too few samples for an interval.</summary>
    NotDistinguishable,
    Faster,
    Slower,
}

/// <summary>One hook against TC for one program, traffic and size: the ratio of medians and the verdict.</summary>
public sealed record HookRatio
{
    public string Program { get; init; } = "";
    public MeasureTraffic Traffic { get; init; }
    public int PacketSize { get; init; }
    public string Hook { get; init; } = "";
    public string Against { get; init; } = HookComparison.Reference;
    public double Ratio { get; init; }
    public RateVerdict Verdict { get; init; }
    public string Says => HookComparison.Words(Verdict);

    public override string ToString() => $"{Hook}:TC {Ratio:0.00} ({Says})";
}

/// <summary>
/// Decides faster, slower or not distinguishable from two intervals, never from two medians: on a shared
/// machine samples spread 10-40 %, and medians 5 % apart often swap places in the next run.
/// </summary>
public static class HookComparison
{
    /// <summary>The hook the others are set against: TC ingress, as in the seed's experiment.</summary>
    public const string Reference = nameof(BpfHook.TcIngress);

    public static RateVerdict Compare(RateInterval rate, RateInterval against)
    {
        if (!rate.Known || !against.Known)
            return RateVerdict.NotDistinguishable;
        if (rate.Low > against.High)
            return RateVerdict.Faster;
        if (rate.High < against.Low)
            return RateVerdict.Slower;
        return RateVerdict.NotDistinguishable;
    }

    public static string Words(RateVerdict verdict) => verdict switch
    {
        RateVerdict.Faster => "faster",
        RateVerdict.Slower => "slower",
        _ => "not distinguishable here",
    };

    /// <summary>
    /// Every hook against TC ingress within each program, traffic and size, in the order the rows came; groups
    /// without a TC row, or whose TC rate is zero, give no ratios.
    /// </summary>
    public static IReadOnlyList<HookRatio> Ratios(IEnumerable<HookRate> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var ratios = new List<HookRatio>();
        foreach (var group in rates.GroupBy(r => (r.Program, r.Traffic, r.PacketSize)))
        {
            HookRate? tc = group.FirstOrDefault(r => r.Hook == Reference);
            if (tc is null || tc.Compared.Median <= 0)
                continue;
            foreach (HookRate r in group.Where(r => r.Hook != Reference))
                ratios.Add(new HookRatio
                {
                    Program = r.Program,
                    Traffic = r.Traffic,
                    PacketSize = r.PacketSize,
                    Hook = r.Hook,
                    Ratio = Math.Round(r.Compared.Median / tc.Compared.Median, 2),
                    Verdict = Compare(r.Compared, tc.Compared),
                });
        }
        return ratios;
    }
}
