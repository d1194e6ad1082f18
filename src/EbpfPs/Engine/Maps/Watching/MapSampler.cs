using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;

namespace EbpfPs.Engine.Maps.Watching;

/// <summary>
/// One key's numbers in one sample: each numeric field with its change and rate since the last sample, when the
/// sample was due on the watch's schedule and how late it was taken, and with -Top or -SortBy its rank.
/// </summary>
public sealed record MapSampleRow(DateTime Timestamp, int Sample, string Map, string Key, object? KeyValue,
    IReadOnlyList<(string Field, decimal Value, decimal Delta, double PerSecond)> Fields)
{
    public DateTime Scheduled { get; init; }
    public double LateSeconds { get; init; }
    public bool Late { get; init; }
    /// <summary>1 for the first row of a sorted sample; 0 when the sample is not sorted.</summary>
    public int Position { get; init; }
}

/// <summary>When one sample was due and taken: its place on the watch's grid and the monotonic clock.</summary>
public readonly record struct SampleTime(int Number, DateTime Scheduled, DateTime Taken, long Ticks,
    TimeSpan LateBy, bool Late);

/// <summary>
/// Samples a map repeatedly and turns totals into deltas and per-second rates, per key and numeric
/// field (nested fields flattened to dotted names), so a series exports as flat rows.
/// </summary>
public sealed class MapSampler : IMapSampler
{
    private readonly BpfMap _map;
    private Dictionary<string, Dictionary<string, decimal>>? _previous;
    private long _previousTicks;

    public MapSampler(BpfMap map) => _map = map;

    /// <summary>Reads the map; the first call only sets the baseline and returns nothing.</summary>
    public IReadOnlyList<MapSampleRow> Next(SampleTime time)
    {
        DateTime now = time.Taken;
        // Rates from the monotonic clock: a wall-clock step (NTP) must not make a rate jump.
        long ticks = time.Ticks;
        var current = new Dictionary<string, Dictionary<string, decimal>>();
        var keys = new Dictionary<string, object?>();
        foreach (BpfMapEntry e in _map.ReadAll())
        {
            string key = Text(e.Key);
            var fields = new Dictionary<string, decimal>();
            Flatten(e.Value, "", fields);
            current[key] = fields;
            keys[key] = e.Key;
        }
        var rows = new List<MapSampleRow>();
        if (_previous is not null)
        {
            double seconds = Math.Max(Stopwatch.GetElapsedTime(_previousTicks, ticks).TotalSeconds, 1e-9);
            foreach (var (key, fields) in current)
            {
                _previous.TryGetValue(key, out Dictionary<string, decimal>? before);
                var list = new List<(string, decimal, decimal, double)>();
                foreach (var (field, value) in fields)
                {
                    decimal delta = before is not null && before.TryGetValue(field, out decimal b) ? value - b : value;
                    list.Add((field, value, delta, (double)delta / seconds));
                }
                rows.Add(new MapSampleRow(now, time.Number, _map.Info.Name, key, keys[key], list)
                    { Scheduled = time.Scheduled, LateSeconds = time.LateBy.TotalSeconds, Late = time.Late });
            }
        }
        _previous = current;
        _previousTicks = ticks;
        return rows;
    }

    internal static void Flatten(object? value, string path, Dictionary<string, decimal> into)
    {
        switch (value)
        {
            case IDictionary d:
                foreach (DictionaryEntry e in d)
                    Flatten(e.Value, path.Length == 0 ? e.Key.ToString()! : $"{path}.{e.Key}", into);
                break;
            case object?[] items:
                for (int i = 0; i < items.Length; i++)
                    Flatten(items[i], $"{path}[{i}]", into);
                break;
            // decimal keeps 64-bit counters exact; a double would round byte counts past 2^53.
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                into[path.Length == 0 ? "value" : path] = Convert.ToDecimal(value);
                break;
            case float or double when double.IsFinite(Convert.ToDouble(value))
                && Math.Abs(Convert.ToDouble(value)) < 7.9e28:
                into[path.Length == 0 ? "value" : path] = Convert.ToDecimal(value);
                break;
        }
    }

    /// <summary>A key as text that identifies it in a series: struct fields as name=value pairs.</summary>
    public static string Text(object? key) => key switch
    {
        IDictionary d => string.Join(" ", EntriesOf(d)),
        byte[] b => Convert.ToHexString(b).ToLowerInvariant(),
        object?[] items => "[" + string.Join(",", Array.ConvertAll(items, Text)) + "]",
        _ => key?.ToString() ?? "",
    };

    private static IEnumerable<string> EntriesOf(IDictionary d)
    {
        foreach (DictionaryEntry e in d)
            yield return $"{e.Key}={Text(e.Value)}";
    }
}

/// <summary>Takes one sample of a map at the time it is given; the first call sets the baseline.</summary>
public interface IMapSampler
{
    IReadOnlyList<MapSampleRow> Next(SampleTime time);
}
