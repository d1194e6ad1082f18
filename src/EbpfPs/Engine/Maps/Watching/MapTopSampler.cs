using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Maps.Watching;

/// <summary>
/// Samples a map like top: every entry is ranked in its raw bytes by one field, as a total or as its change
/// since the last sample (the rate: every key shares the sample's interval), and only the winners are decoded
/// into rows. The previous sample is kept as raw bytes per key, which is all a rate needs.
/// </summary>
public sealed class MapTopSampler : IMapSampler
{
    private readonly BpfMap _map;
    private readonly MapSortField _field;
    private readonly bool _byRate, _ascending;
    private readonly int _limit;
    private Dictionary<byte[], byte[]>? _previous;
    private long _previousTicks;

    public MapTopSampler(BpfMap map, MapSortField field, bool byRate, int limit, bool ascending)
    {
        _map = map;
        _field = field;
        _byRate = byRate && !field.InKey;
        _limit = limit;
        _ascending = ascending;
    }

    /// <summary>
    /// Reads what a watch's -SortBy names: a field ("packets", "Key.src") ranks by its total; the same with
    /// Delta or PerSecond after it ("packetsPerSecond"), as the rows name those columns, ranks by its change.
    /// </summary>
    public static (MapSortField Field, bool ByRate) ParseSortBy(BpfMap map, string text)
    {
        try
        {
            return (map.SortField(text), false);
        }
        catch (BpfException e) when (e.ErrorId == ErrorId.SortFieldNotFound)
        {
            foreach (string suffix in new[] { "PerSecond", "Delta" })
                if (text.Length > suffix.Length && text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                    return (map.SortField(text[..^suffix.Length]), true);
            throw;
        }
    }

    public IReadOnlyList<MapSampleRow> Next(SampleTime time)
    {
        var current = new Dictionary<byte[], byte[]>(_previous?.Count ?? 0, ByteKeys.Instance);
        TopSelection? top = _previous is null ? null : new TopSelection(_limit, (int)_map.Info.KeySize,
            _map.EntryValueSize, _ascending, (int)Math.Min(_map.Info.MaxEntries, 4096));
        int cpus = _map.Cpus, stride = _map.Stride;
        foreach (BpfMapBatch b in _map.ReadBatches(copy: false))
            for (int i = 0; i < b.Count; i++)
            {
                ReadOnlySpan<byte> k = b.Keys.AsSpan(i * b.KeySize, b.KeySize);
                ReadOnlySpan<byte> v = b.Values.AsSpan(i * b.ValueSize, b.ValueSize);
                byte[] key = k.ToArray();
                current[key] = v.ToArray();
                if (top is null)
                    continue;
                Int128 rank = _field.Read(k, v, cpus, stride);
                if (_byRate && _previous!.TryGetValue(key, out byte[]? before))
                    rank -= _field.Read(k, before, cpus, stride);
                top.Offer(rank, k, v);
            }
        var rows = new List<MapSampleRow>();
        if (top is not null)
        {
            double seconds = Math.Max(Stopwatch.GetElapsedTime(_previousTicks, time.Ticks).TotalSeconds, 1e-9);
            int rank = 0;
            foreach (var (_, key, value) in top.Winners())
                rows.Add(Row(time, ++rank, key, value, seconds));
        }
        _previous = current;
        _previousTicks = time.Ticks;
        return rows;
    }

    private MapSampleRow Row(SampleTime time, int rank, byte[] key, byte[] value, double seconds)
    {
        BpfMapEntry now = _map.DecodeCopy(key, value);
        var fields = new Dictionary<string, decimal>();
        MapSampler.Flatten(now.Value, "", fields);
        Dictionary<string, decimal>? before = null;
        if (_previous!.TryGetValue(key, out byte[]? old))
        {
            before = new Dictionary<string, decimal>();
            MapSampler.Flatten(_map.DecodeCopy(key, old).Value, "", before);
        }
        var list = new List<(string, decimal, decimal, double)>(fields.Count);
        foreach (var (field, v) in fields)
        {
            decimal delta = before is not null && before.TryGetValue(field, out decimal b) ? v - b : v;
            list.Add((field, v, delta, (double)delta / seconds));
        }
        return new MapSampleRow(time.Taken, time.Number, _map.Info.Name, MapSampler.Text(now.Key), now.Key, list)
        {
            Scheduled = time.Scheduled, LateSeconds = time.LateBy.TotalSeconds, Late = time.Late, Position = rank,
        };
    }

    /// <summary>Keys compared by their bytes.</summary>
    private sealed class ByteKeys : IEqualityComparer<byte[]>
    {
        public static readonly ByteKeys Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] key)
        {
            var hash = new HashCode();
            hash.AddBytes(key);
            return hash.ToHashCode();
        }
    }
}
