using System;
using System.Management.Automation;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// Samples a map at an interval and emits, per key and sample, each numeric field with its change and per-second rate.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "BpfMap", DefaultParameterSetName = InputSet)]
[OutputType("EbpfPs.MapSample")]
public sealed class WatchBpfMapCommand : MapCommandBase
{
    private readonly ManualResetEventSlim _stop = new();

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Samples to emit after the baseline; 0 keeps going until Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; }

    protected override void ProcessRecord()
    {
        if (Interval <= TimeSpan.Zero)
        {
            Terminate(new BpfException(ErrorId.InvalidInterval, "-Interval must be positive.", Interval));
            return;
        }
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                {
                    var sampler = new MapSampler(map);
                    sampler.Next();
                    for (int i = 0; Count == 0 || i < Count; i++)
                    {
                        if (Stopped(Interval))
                            return;
                        foreach (MapSampleRow row in sampler.Next())
                            WriteObject(ToPSObject(row));
                    }
                }
        });
    }

    protected override void StopProcessing() => _stop.Set();

    /// <summary>
    /// Waits for the interval or Ctrl+C, whichever comes first; true for Ctrl+C. Waits in slices, since a single
    /// wait takes at most about 24 days (-Interval 1e9 is 31 years).
    /// </summary>
    private bool Stopped(TimeSpan interval)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (TimeSpan left = interval; left > TimeSpan.Zero; left = interval - clock.Elapsed)
            if (_stop.Wait(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1)))
                return true;
        return false;
    }

    /// <summary>
    /// Flat rows (Timestamp, Map, Key, then field, fieldDelta, fieldPerSecond) so Export-Csv gives a plottable series.
    /// </summary>
    private static PSObject ToPSObject(MapSampleRow row)
    {
        var o = new PSObject();
        o.TypeNames.Insert(0, "EbpfPs.MapSample");
        o.Properties.Add(new PSNoteProperty("Timestamp", ExportValues.Timestamp(row.Timestamp)));
        o.Properties.Add(new PSNoteProperty("Sample", row.Sample));
        o.Properties.Add(new PSNoteProperty("Map", row.Map));
        o.Properties.Add(new PSNoteProperty("Key", row.Key));
        foreach (var (field, value, delta, perSecond) in row.Fields)
        {
            o.Properties.Add(new PSNoteProperty(field, ExportValues.Number(value)));
            o.Properties.Add(new PSNoteProperty(field + "Delta", ExportValues.Number(delta)));
            o.Properties.Add(new PSNoteProperty(field + "PerSecond", Math.Round(perSecond, 3)));
        }
        return o;
    }
}
