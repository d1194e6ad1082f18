using System;
using System.Collections.Generic;
using System.Threading;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// RFC 2544's throughput search: the highest offered rate at which loss stays within the tolerance.
/// The first trial is unpaced (as fast as the generator goes); when it loses too much, a binary search
/// between 0 and that offered rate, starting from what was delivered, paces the generator at each rate.
/// </summary>
internal static class ZeroLossSearch
{
    /// <summary>Trials after the unpaced one; with the resolution below the search usually stops sooner.</summary>
    public const int MaxPacedTrials = 8;
    /// <summary>Stop once the best passing and lowest failing rate are this fraction of the latter apart.</summary>
    public const double Resolution = 0.02;

    /// <summary>trial(null) runs unpaced, trial(rate) paced to rate frames per second.</summary>
    public static MeasurementSample Run(Func<double?, MeasurementSample> trial, double tolerance,
        CancellationToken cancel)
    {
        var trials = new List<RateTrial>();
        MeasurementSample? best = null;
        MeasurementSample first = trial(null);
        double? rate = null;
        Record(first);
        if (!Passed(first, tolerance))
        {
            double low = 0, high = first.OfferedPps;
            double next = Math.Min(first.Pps, high * (1 - Resolution));
            for (int i = 0; i < MaxPacedTrials && next > 1; i++)
            {
                cancel.ThrowIfCancellationRequested();
                rate = next;
                MeasurementSample s = trial(rate);
                Record(s);
                if (Passed(s, tolerance))
                    low = rate.Value;
                else
                    high = rate.Value;
                if (best is not null && (high - low) <= high * Resolution)
                    break;
                next = (low + high) / 2;
            }
        }
        MeasurementSample result = best ?? new MeasurementSample { Seconds = first.Seconds };
        return result with { Trials = trials, ZeroLossOffered = best?.OfferedPps ?? 0 };

        void Record(MeasurementSample s)
        {
            bool passed = Passed(s, tolerance);
            trials.Add(new RateTrial(Math.Round(s.OfferedPps), Math.Round(s.Pps), s.Sent, s.Received,
                Math.Round(Loss(s), 6), passed));
            if (passed && (best is null || s.OfferedPps > best.OfferedPps))
                best = s;
        }
    }

    private static double Loss(MeasurementSample s) =>
        s.Sent == 0 ? 0 : Math.Max(0, (double)s.Sent - s.Received) / s.Sent;

    private static bool Passed(MeasurementSample s, double tolerance) => s.Sent > 0 && Loss(s) <= tolerance;
}
