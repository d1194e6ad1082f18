using System;
using System.Management.Automation;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Watching;

namespace EbpfPs.Commands;

/// <summary>
/// Samples a map at an interval and emits, per key and sample, each numeric field with its change and per-second rate.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "BpfMap", DefaultParameterSetName = InputSet)]
[OutputType("EbpfPs.MapSample")]
public sealed class WatchBpfMapCommand : MapCommandBase
{
    private readonly CancellationTokenSource _stop = new();

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Samples to emit after the baseline; 0 keeps going until Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Per sample, only the first N keys by -SortBy, ranked in the engine like top.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; }

    /// <summary>
    /// The field that ranks keys: "bytes" by its total, "bytesPerSecond" (or "bytesDelta") by its rate, "Key.src".
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(WatchSortFieldCompleter))]
    public string? SortBy { get; set; }

    /// <summary>With -SortBy: smallest first.</summary>
    [Parameter]
    public SwitchParameter Ascending { get; set; }

    protected override void ProcessRecord()
    {
        if (Interval <= TimeSpan.Zero)
        {
            Terminate(new BpfException(ErrorId.InvalidInterval, "-Interval must be positive.", Interval));
            return;
        }
        if (Top > 0 && string.IsNullOrWhiteSpace(SortBy))
        {
            Terminate(new BpfException(ErrorId.TopNeedsSortBy,
                "-Top needs -SortBy to say what ranks first (e.g. -SortBy bytesPerSecond).", "Top"));
            return;
        }
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                {
                    if (_stop.IsCancellationRequested)
                        return;
                    var watch = new MapWatch(Sampler(map), Interval, Count);
                    foreach (MapWatchSample sample in watch.Run(_stop.Token))
                    {
                        if (sample.Time.Late)
                            WriteWarning($"Sample {sample.Time.Number} of map '{map.Info.Name}' was taken " +
                                $"{sample.Time.LateBy.TotalSeconds:0.000} s after its scheduled time " +
                                $"{sample.Time.Scheduled:HH:mm:ss.fff}: the read before it, or the consumer of the " +
                                "samples before it, took longer than -Interval.");
                        foreach (MapSampleRow row in sample.Rows)
                            WriteObject(ToPSObject(row));
                    }
                }
        });
    }

    private IMapSampler Sampler(BpfMap map)
    {
        if (string.IsNullOrWhiteSpace(SortBy))
            return new MapSampler(map);
        var (field, byRate) = MapTopSampler.ParseSortBy(map, SortBy);
        return new MapTopSampler(map, field, byRate, Top > 0 ? Top : int.MaxValue, Ascending);
    }

    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>
    /// Flat rows (Timestamp, Map, Key, then field, fieldDelta, fieldPerSecond) so Export-Csv gives a plottable series.
    /// </summary>
    private static PSObject ToPSObject(MapSampleRow row)
    {
        var o = new PSObject();
        o.TypeNames.Insert(0, "EbpfPs.MapSample");
        o.Properties.Add(new PSNoteProperty("Timestamp", ExportValues.Timestamp(row.Timestamp)));
        o.Properties.Add(new PSNoteProperty("Sample", row.Sample));
        o.Properties.Add(new PSNoteProperty("Scheduled", ExportValues.Timestamp(row.Scheduled)));
        o.Properties.Add(new PSNoteProperty("LateSeconds", Math.Round(row.LateSeconds, 3)));
        o.Properties.Add(new PSNoteProperty("Late", row.Late));
        if (row.Position > 0)
            o.Properties.Add(new PSNoteProperty("Position", row.Position));
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
