using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Events;

/// <summary>
/// Reads the records BPF programs send through a ring buffer (libbpf ring_buffer) or a perf event array (libbpf
/// perf_buffer), each decoded by a BTF type of the map or of a program that uses it. Poll in short slices so a
/// caller can stop between them; Dispose frees the consumer (a perf buffer also takes its perf events out of
/// the map).
/// </summary>
public sealed class BpfEventReader : IDisposable
{
    // Per-CPU perf ring size in pages (a power of two): 256 KiB with 4 KiB pages.
    private const int PerfPages = 64;

    private readonly SafeFdHandle _fd;
    private readonly EventBuffer _buffer;
    private readonly MapCodec? _codec;
    private readonly int _typeSize;

    private BpfEventReader(SafeFdHandle fd, BpfMapInfo map, EventBuffer buffer, BtfType? type, bool net)
    {
        _fd = fd;
        Map = map;
        _buffer = buffer;
        if (type is not null)
        {
            _codec = MapCodec.Build(type, "event", net);
            _typeSize = (int)type.Resolved().Size;
        }
    }

    public BpfMapInfo Map { get; }

    /// <summary>Opens the event map with this id; typeName (C spelling) decodes each record.</summary>
    public static BpfEventReader Open(uint mapId, string? typeName = null, bool networkFormat = true)
    {
        NativeRuntime.EnsureLibbpf();
        SafeFdHandle fd = KernelInventory.OpenById(Libbpf.ObjectKind.Map, mapId)
            ?? throw new BpfException(ErrorId.BpfMapNotFound, $"No BPF map with id {mapId} is loaded.", mapId);
        return Open(fd, typeName, networkFormat);
    }

    /// <summary>
    /// The one loaded map of that name; several of the same name are ambiguous (use the id or a pin).
    /// </summary>
    public static BpfEventReader OpenByName(string name, string? typeName = null, bool networkFormat = true)
    {
        var found = KernelInventory.Maps().Where(m => m.Name == name).ToList();
        if (found.Count == 0)
            throw new BpfException(ErrorId.BpfMapNotFound, $"No loaded BPF map is named '{name}'.", name);
        if (found.Count > 1)
            throw new BpfException(ErrorId.BpfMapNameAmbiguous,
                $"{found.Count} loaded maps are named '{name}' (ids {string.Join(", ", found.Select(m => m.Id))}); " +
                    "use -Id or -Path.", name);
        return Open(found[0].Id, typeName, networkFormat);
    }

    public static BpfEventReader OpenPinned(string path, string? typeName = null, bool networkFormat = true)
    {
        NativeRuntime.EnsureLibbpf();
        return Open(KernelInventory.OpenPinned(path, Libbpf.ObjectKind.Map), typeName, networkFormat);
    }

    private static BpfEventReader Open(SafeFdHandle fd, string? typeName, bool net)
    {
        try
        {
            BpfMapInfo map = KernelInventory.DescribeMap(fd);
            var type = (BpfMapType)map.TypeId;
            if (type is not (BpfMapType.Ringbuf or BpfMapType.PerfEventArray))
                throw new BpfException(ErrorId.EventMapTypeUnsupported,
                    $"Map '{map.Name}' (id {map.Id}) is a {map.Type}; events come from a ringbuf or a " +
                    "perf_event_array." + (type is BpfMapType.Queue or BpfMapType.Stack
                        ? " Take a queue's or stack's values with Pop-BpfMapEntry." : ""), map.Name);
            BtfType? decoded = typeName is null ? null : FindType(map, typeName);
            EventBuffer buffer = (type == BpfMapType.Ringbuf ? Libbpf.OpenRingBuffer(fd)
                : Libbpf.OpenPerfBuffer(fd, PerfPages)).OrThrow("open an event reader on map", map.Name,
                    ErrorId.EventReaderFailed);
            return new BpfEventReader(fd, map, buffer, decoded, net);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The type in the map's BTF, or else in the BTF of the programs that use the map (a ring buffer or perf
    /// event array has no key or value type, so the kernel usually keeps no BTF with the map itself).
    /// </summary>
    private static BtfType FindType(BpfMapInfo map, string typeName)
    {
        IReadOnlyList<uint> btfIds = BtfTypeNames.BtfIdsFor(map);
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (uint id in btfIds)
        {
            if (BtfTypeTable.TryLoad(id) is not BtfTypeTable btf) continue;
            if (btf.FindType(typeName) is BtfType found) return found;
            seen.UnionWith(btf.RecordNames());
        }
        throw new BpfException(ErrorId.EventTypeNotFound, btfIds.Count == 0
            ? $"Map '{map.Name}' (id {map.Id}) and the programs using it carry no BTF to find '{typeName}' in."
            : $"No type '{typeName}' in the BTF of map '{map.Name}' or the programs using it. It has: " +
              $"{string.Join(", ", seen.Take(40))}.", typeName,
            recommendedAction: "clang keeps in BTF only the types that globals, maps and function signatures use; " +
                $"a global such as 'const {typeName} *unused_event __attribute__((unused));' keeps a record type.");
    }

    /// <summary>Records lost since the last call because a perf ring was full (ring buffers never count any).</summary>
    public ulong TakeLost()
    {
        ulong lost = _buffer.Sink.Lost;
        _buffer.Sink.Lost = 0;
        return lost;
    }

    /// <summary>
    /// Waits up to timeout for records and returns at most limit of them (a ring buffer keeps the rest for the
    /// next call; a perf buffer's rest is dropped, as it cannot be put back).
    /// </summary>
    public IReadOnlyList<BpfEvent> Poll(TimeSpan timeout, int limit = int.MaxValue)
    {
        EventSink sink = _buffer.Sink;
        sink.Records.Clear();
        sink.Limit = limit;
        int ms = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        Result<int> polled = Libbpf.Poll(_buffer, ms);
        // ECANCELED: the sink was full and stopped the ring; EINTR: a signal, which is simply an early return.
        if (!polled.Ok && polled.Errno is not (Errno.ECANCELED or Errno.EINTR))
            throw BpfException.FromErrno((int)polled.Errno, "poll events of map", Map.Name, ErrorId.EventReaderFailed);
        var events = new List<BpfEvent>(Math.Min(sink.Records.Count, limit));
        DateTime now = DateTime.Now;
        foreach ((int cpu, byte[] data) in sink.Records.Take(limit))
            events.Add(new BpfEvent
            {
                Timestamp = now, Map = Map.Name, MapId = Map.Id, Cpu = cpu < 0 ? null : cpu, Size = data.Length,
                Data = data, Value = Decode(data),
            });
        sink.Records.Clear();
        return events;
    }

    private object? Decode(byte[] data)
    {
        if (_codec is null)
            return null;
        if (data.Length < _typeSize)
            throw new BpfException(ErrorId.EventTooShort,
                $"A record of map '{Map.Name}' has {data.Length} bytes; the type named with -TypeName has " +
                $"{_typeSize}.", Map.Name);
        return _codec.Decode(data, 0);
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _fd.Dispose();
    }
}
