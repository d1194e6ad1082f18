using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;

namespace EbpfPs.Engine.Maps;

/// <summary>One key's numbers in one sample: each numeric field with its change and rate since the last sample.</summary>
public sealed record MapSampleRow(DateTime Timestamp, int Sample, string Map, string Key, object? KeyValue,
    IReadOnlyList<(string Field, double Value, double Delta, double PerSecond)> Fields);

/// <summary>
/// Samples a map repeatedly and turns totals into deltas and per-second rates, per key and numeric
/// field (nested fields flattened to dotted names), so a series exports as flat rows.
/// </summary>
public sealed class MapSampler
{
    private readonly BpfMap _map;
    private Dictionary<string, Dictionary<string, double>>? _previous;
    private DateTime _previousTime;
    private int _sample;

    public MapSampler(BpfMap map) => _map = map;

    /// <summary>Reads the map; the first call only sets the baseline and returns nothing.</summary>
    public IReadOnlyList<MapSampleRow> Next()
    {
        DateTime now = DateTime.Now;
        var current = new Dictionary<string, Dictionary<string, double>>();
        var keys = new Dictionary<string, object?>();
        foreach (BpfMapEntry e in _map.ReadAll())
        {
            string key = Text(e.Key);
            var fields = new Dictionary<string, double>();
            Flatten(e.Value, "", fields);
            current[key] = fields;
            keys[key] = e.Key;
        }
        var rows = new List<MapSampleRow>();
        if (_previous is not null)
        {
            _sample++;
            double seconds = Math.Max((now - _previousTime).TotalSeconds, 1e-9);
            foreach (var (key, fields) in current)
            {
                _previous.TryGetValue(key, out Dictionary<string, double>? before);
                var list = new List<(string, double, double, double)>();
                foreach (var (field, value) in fields)
                {
                    double delta = before is not null && before.TryGetValue(field, out double b) ? value - b : value;
                    list.Add((field, value, delta, delta / seconds));
                }
                rows.Add(new MapSampleRow(now, _sample, _map.Info.Name, key, keys[key], list));
            }
        }
        _previous = current;
        _previousTime = now;
        return rows;
    }

    private static void Flatten(object? value, string path, Dictionary<string, double> into)
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
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double:
                into[path.Length == 0 ? "value" : path] = Convert.ToDouble(value);
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
