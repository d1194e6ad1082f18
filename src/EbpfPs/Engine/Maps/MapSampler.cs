using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// One key's numbers in one sample: each numeric field with its change and rate since the last sample.
/// </summary>
public sealed record MapSampleRow(DateTime Timestamp, int Sample, string Map, string Key, object? KeyValue,
    IReadOnlyList<(string Field, decimal Value, decimal Delta, double PerSecond)> Fields);

/// <summary>
/// Samples a map repeatedly and turns totals into deltas and per-second rates, per key and numeric
/// field (nested fields flattened to dotted names), so a series exports as flat rows.
/// </summary>
public sealed class MapSampler
{
    private readonly BpfMap _map;
    private Dictionary<string, Dictionary<string, decimal>>? _previous;
    private long _previousTicks;
    private int _sample;

    public MapSampler(BpfMap map) => _map = map;

    /// <summary>Reads the map; the first call only sets the baseline and returns nothing.</summary>
    public IReadOnlyList<MapSampleRow> Next()
    {
        DateTime now = DateTime.Now;
        // Rates from the monotonic clock: a wall-clock step (NTP) must not make a rate jump.
        long ticks = Stopwatch.GetTimestamp();
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
            _sample++;
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
                rows.Add(new MapSampleRow(now, _sample, _map.Info.Name, key, keys[key], list));
            }
        }
        _previous = current;
        _previousTicks = ticks;
        return rows;
    }

    private static void Flatten(object? value, string path, Dictionary<string, decimal> into)
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
