using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// An open map with its codecs: reads every entry with BPF_MAP_LOOKUP_BATCH (key by key where the map
/// type has no batch support), looks up, writes and deletes single keys.
/// </summary>
public sealed partial class BpfMap : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly MapCodec _key, _value;
    private readonly int _cpus, _stride;

    private BpfMap(SafeFdHandle fd, BpfMapInfo info, bool networkFormat, MapCodec? declaredValue = null)
    {
        _fd = fd;
        Info = info;
        if (info.KeySize == 0 && !((BpfMapType)info.TypeId).HoldsValuesOnly())
            throw new BpfException(ErrorId.MapHasNoKeys,
                $"Map '{info.Name}' (id {info.Id}) is a {info.Type}, which has no keys to read entries by; use a " +
                "consumer for that map type.", info.Name);
        PerCpu = Type.HasPerCpuValue();
        _cpus = PerCpu ? BpfSystem.Current.PossibleCpus().OrThrow("count possible CPUs") : 1;
        _stride = PerCpu ? MapCells.PerCpuStride(info.ValueSize) : (int)info.ValueSize;
        (_key, _value) = Codecs(fd, info, networkFormat);
        if (declaredValue is not null)
            _value = declaredValue;
    }

    public BpfMapInfo Info { get; }
    public bool PerCpu { get; }
    internal SafeFdHandle Fd => _fd;
    private BpfMapType Type => (BpfMapType)Info.TypeId;
    private int ValueBufferSize => MapCells.ValueBufferSize(Info.ValueSize, PerCpu, _cpus);

    public static BpfMap OpenById(uint id, bool networkFormat = true)
    {
        NativeRuntime.EnsureLibbpf();
        SafeFdHandle fd = KernelInventory.OpenById(Libbpf.ObjectKind.Map, id)
            ?? throw new BpfException(ErrorId.BpfMapNotFound, $"No BPF map with id {id} is loaded.", id);
        return Open(fd, networkFormat);
    }

    /// <summary>
    /// The one loaded map of that name; several of the same name are ambiguous (use the id or a pin).
    /// </summary>
    public static BpfMap OpenByName(string name, bool networkFormat = true)
    {
        var found = KernelInventory.Maps().Where(m => m.Name == name).ToList();
        if (found.Count == 0)
            throw new BpfException(ErrorId.BpfMapNotFound, $"No loaded BPF map is named '{name}'.", name);
        if (found.Count > 1)
            throw new BpfException(ErrorId.BpfMapNameAmbiguous,
                $"{found.Count} loaded maps are named '{name}' (ids {string.Join(", ", found.Select(m => m.Id))}); " +
                    "use -Id or -Path.", name);
        return OpenById(found[0].Id, networkFormat);
    }

    public static BpfMap OpenPinned(string path, bool networkFormat = true)
    {
        NativeRuntime.EnsureLibbpf();
        return Open(KernelInventory.OpenPinned(path, Libbpf.ObjectKind.Map), networkFormat);
    }

    public static BpfMap FromLoaded(BpfLoadedMap map, bool networkFormat = true)
    {
        using SafeFdHandle borrowed = map.BorrowFd();
        return Open(BpfSystem.Current.Dup(borrowed).OrThrow("duplicate fd of map", map.Name), networkFormat,
            map.Info.BtfValueTypeId == 0 ? DeclaredValueCodec(map, networkFormat) : null);
    }

    private static BpfMap Open(SafeFdHandle fd, bool networkFormat, MapCodec? declaredValue = null)
    {
        try { return new BpfMap(fd, KernelInventory.DescribeMap(fd), networkFormat, declaredValue); }
        catch { fd.Dispose(); throw; }
    }

    // Codecs by BTF object and type ids: a script that reads the same map (or maps of the same object)
    // again and again builds them once. BTF ids are allocated cyclically, so an id is not reused for a
    // different BTF object while it could still be in here.
    private static readonly ConcurrentDictionary<(uint Btf, uint Key, uint Value, uint KeySize, uint ValueSize,
        bool Net, string Name), (MapCodec, MapCodec)> CodecCache = new();
    private const int CodecCacheLimit = 256;

    private static (MapCodec, MapCodec) Codecs(SafeFdHandle fd, BpfMapInfo info, bool net)
    {
        if (HandleCodecs(info, net) is var (heldKey, heldValue))
            return (heldKey, heldValue);
        var id = (info.BtfId, info.BtfKeyTypeId, info.BtfValueTypeId, info.KeySize, info.ValueSize, net, info.Name);
        if (info.BtfId != 0 && CodecCache.TryGetValue(id, out var cached))
            return cached;
        (MapCodec, MapCodec) built = BuildCodecs(info, net);
        if (info.BtfId != 0)
        {
            if (CodecCache.Count >= CodecCacheLimit)
                CodecCache.Clear();
            CodecCache[id] = built;
        }
        return built;
    }

    private static (MapCodec, MapCodec) BuildCodecs(BpfMapInfo info, bool net)
    {
        if (info.BtfId == 0 || info.BtfKeyTypeId == 0 && info.BtfValueTypeId == 0)
            return (MapCodec.Raw((int)info.KeySize), MapCodec.Raw((int)info.ValueSize));
        if (BtfTypeTable.TryLoad(info.BtfId) is not BtfTypeTable btf)
            return (MapCodec.Raw((int)info.KeySize), MapCodec.Raw((int)info.ValueSize));
        // The map's name is no field name: how a whole key or value reads follows from its BTF type alone.
        MapCodec value = info.BtfValueTypeId == 0 ? MapCodec.Raw((int)info.ValueSize)
            : MapCodec.Build(btf.Type(info.BtfValueTypeId), "", net);
        // A data section's map (.data, .bss, .rodata) is an array of one: its key is that index, a plain number.
        MapCodec key = info.BtfKeyTypeId != 0 ? MapCodec.Build(btf.Type(info.BtfKeyTypeId), "", net)
            : value.KeepsUnsetBytes && info.KeySize == 4 ? MapCodec.Index() : MapCodec.Raw((int)info.KeySize);
        return (key, value);
    }

    public BpfMapEntry? Lookup(object? key, bool raw = false, bool perCpu = false)
    {
        RequireKeys();
        RequireReadableValues();
        byte[] k = EncodeKey(key);
        byte[] v = new byte[ValueBufferSize];
        return TryLookup(k, v) ? Entry(k, 0, v, 0, raw, perCpu) : null;
    }

    /// <summary>
    /// Writes one entry. A per-CPU value is an array with one value per possible CPU, or one value for CPU 0 with
    /// the other CPUs' slots zeroed, so that the summed read gives back what was written.
    /// </summary>
    public void Update(object? key, object? value, MapUpdateFlag flag)
    {
        RequireKeys();
        byte[] k = EncodeKey(key);
        byte[] v = new byte[ValueBufferSize];
        using SafeFdHandle? held = HoldValue(value, v);
        if (held is not null)
        {
            // v holds the fd of the program or map to store
        }
        else if (PerCpu && value is byte[] all && all.Length == ValueBufferSize && all.Length != Info.ValueSize)
            all.CopyTo(v, 0); // every CPU's value in the kernel's layout, as -Raw reads it
        else if (PerCpu && value is IList list && list is not byte[] && !(list.Count > 0 && list[0] is byte))
        {
            if (list.Count != _cpus)
                throw new BpfException(ErrorId.WrongCpuCount,
                    $"Map '{Info.Name}' is per-CPU over {_cpus} possible CPUs; {list.Count} values were given: give " +
                    $"one value (written to CPU 0, the other CPUs zeroed) or exactly {_cpus}, one per CPU.",
                    Info.Name);
            for (int cpu = 0; cpu < _cpus; cpu++)
                EncodeValue(list[cpu], v, cpu * _stride, $"[cpu {cpu}]");
        }
        else
        {
            // Variables of a data section not named in the value keep what they hold.
            if (_value.KeepsUnsetBytes && value is not byte[])
                TryLookup(k, v);
            // A per-CPU map gets the value in CPU 0's slot and zeroes elsewhere (the buffer is fresh): copying it
            // to every CPU would make the summed read give back the value times the CPU count.
            EncodeValue(value, v, 0, "");
        }
        Result updated = Libbpf.MapUpdate(_fd, k, v, (MapUpdateFlags)flag);
        if (updated.Errno == Errno.EEXIST)
            throw new BpfException(ErrorId.MapEntryExists,
                $"Map '{Info.Name}' already has this key (-Flag NoExist).", key);
        if (updated.Errno == Errno.ENOENT)
            throw new BpfException(ErrorId.MapEntryNotFound,
                $"Map '{Info.Name}' has no such key to update (-Flag Exist).", key);
        // For arrays the kernel says E2BIG for an index past the end: the array is never "full".
        if (updated.Errno == Errno.E2BIG && Type.IsArray())
            throw new BpfException(ErrorId.MapIndexOutOfRange,
                $"Map '{Info.Name}' is an array of {Info.MaxEntries} entries (indexes 0 to {Info.MaxEntries - 1}); " +
                $"index {key} is past its end.", key, (int)Errno.E2BIG);
        if (updated.Errno == Errno.EPERM && _value.KeepsUnsetBytes)
            throw new BpfException(ErrorId.GlobalVariableReadOnly,
                $"Map '{Info.Name}' holds read-only global variables (.rodata is frozen at load); set them before " +
                "load with Import-BpfObject -Variable.", Info.Name, (int)Errno.EPERM);
        if (updated.Errno == Errno.E2BIG)
            throw new BpfException(ErrorId.MapFull, $"Map '{Info.Name}' is full ({Info.MaxEntries} entries).", key,
                (int)Errno.E2BIG);
        updated.OrThrow("update an entry of map", Info.Name);
    }

    public void Delete(object? key)
    {
        RequireKeys();
        byte[] k = EncodeKey(key);
        Result deleted = Libbpf.MapDelete(_fd, k);
        if (deleted.Errno == Errno.ENOENT)
            throw new BpfException(ErrorId.MapEntryNotFound, $"Map '{Info.Name}' has no such key.", key);
        if (deleted.Errno == Errno.EINVAL && Type.IsArray())
            throw new BpfException(ErrorId.ArrayEntriesCannotBeDeleted,
                $"'{Info.Name}' is an array map: its entries always exist. Set them to zero instead.", key,
                    (int)Errno.EINVAL);
        deleted.OrThrow("delete an entry of map", Info.Name);
    }

    /// <summary>
    /// Deletes every key (array maps: zeroes every value; queues and stacks: pops every value). Returns how many
    /// entries were cleared.
    /// </summary>
    public int Clear()
    {
        if (Type.HoldsValuesOnly())
            return PopAll();
        var keys = ReadBatches(copy: false).SelectMany(b => Enumerable.Range(0, b.Count).Select(b.GetKey)).ToList();
        byte[] zero = new byte[ValueBufferSize];
        foreach (byte[] k in keys)
        {
            Result cleared = Type.IsArray() ? Libbpf.MapUpdate(_fd, k, zero, MapUpdateFlags.Any)
                : Libbpf.MapDelete(_fd, k);
            // A key another writer deleted meanwhile is as cleared as it gets.
            if (cleared.Errno != Errno.ENOENT)
                cleared.OrThrow("clear map", Info.Name);
        }
        return keys.Count;
    }

    private byte[] EncodeKey(object? key)
    {
        byte[] k = new byte[Info.KeySize];
        if (key is byte[] raw)
        {
            if (raw.Length != k.Length)
                throw new BpfException(ErrorId.WrongKeySize,
                    $"Map '{Info.Name}' has {Info.KeySize}-byte keys, not {raw.Length}.", key);
            return raw;
        }
        _key.Encode(key, k, 0, "key");
        return k;
    }

    private void EncodeValue(object? value, byte[] buffer, int offset, string path)
    {
        if (value is byte[] raw)
        {
            if (raw.Length != Info.ValueSize)
            {
                string all = PerCpu ? $" ({ValueBufferSize} bytes for all {_cpus} CPUs)" : "";
                throw new BpfException(ErrorId.WrongValueSize,
                    $"Map '{Info.Name}' has {Info.ValueSize}-byte values{all}, not {raw.Length}.", value);
            }
            raw.CopyTo(buffer, offset);
            return;
        }
        _value.Encode(value, buffer, offset, path.Length == 0 ? "value" : "value" + path);
    }

    private BpfMapEntry Entry(byte[] k, int ko, byte[] v, int vo, bool raw, bool perCpu)
    {
        if (raw)
            return new BpfMapEntry { MapId = Info.Id, Map = Info.Name, Key = k, Value = v };
        BpfMapEntry entry = DecodedEntry(k, ko, v, vo, perCpu);
        if (!_key.IsRaw && !_value.IsRaw)
            return entry;
        return new BpfMapEntry
        {
            MapId = entry.MapId, Map = entry.Map, Key = entry.Key, Value = entry.Value, PerCpu = entry.PerCpu,
            SummedOverCpus = entry.SummedOverCpus,
            KeyHex = _key.IsRaw ? MapCodec.Hex(k, ko, (int)Info.KeySize) : null,
            ValueHex = _value.IsRaw ? HexOf(entry.Value, (int)Info.ValueSize) : null,
        };
    }

    /// <summary>
    /// A raw value's bytes as hex: what it decoded to (per-CPU: the sum) written back in little-endian.
    /// </summary>
    private static string? HexOf(object? value, int size) => value switch
    {
        string hex => hex,
        byte or ushort or uint or ulong => MapCodec.Hex(BitConverter.GetBytes(Convert.ToUInt64(value)), 0, size),
        _ => null,
    };

    private BpfMapEntry DecodedEntry(byte[] k, int ko, byte[] v, int vo, bool perCpu)
    {
        object? key = _key.Decode(k, ko);
        if (!PerCpu)
            return new BpfMapEntry { MapId = Info.Id, Map = Info.Name, Key = key, Value = _value.Decode(v, vo) };
        if (!perCpu && _value.SumOffsets is int[] offsets)
        {
            // Sum the 64-bit counters in place into CPU 0's slot, then decode one value.
            for (int cpu = 1; cpu < _cpus; cpu++)
                foreach (int o in offsets)
                    BinaryPrimitives.WriteUInt64LittleEndian(v.AsSpan(vo + o),
                        BinaryPrimitives.ReadUInt64LittleEndian(v.AsSpan(vo + o))
                            + BinaryPrimitives.ReadUInt64LittleEndian(v.AsSpan(vo + cpu * _stride + o)));
            return new BpfMapEntry
            {
                MapId = Info.Id, Map = Info.Name, Key = key, Value = _value.Decode(v, vo), SummedOverCpus = true,
            };
        }
        var cpus = new object?[_cpus];
        for (int cpu = 0; cpu < _cpus; cpu++)
            cpus[cpu] = _value.Decode(v, vo + cpu * _stride);
        return new BpfMapEntry
        {
            MapId = Info.Id, Map = Info.Name, Key = key, Value = Sum(cpus), PerCpu = perCpu ? cpus : null,
            SummedOverCpus = true,
        };
    }

    /// <summary>Per-CPU values summed field by field; non-numeric fields keep CPU 0's value.</summary>
    internal static object? Sum(IReadOnlyList<object?> values)
    {
        object? first = values[0];
        switch (first)
        {
            case BpfRecord r:
                var names = new string[r.Count];
                var sums = new object?[r.Count];
                for (int i = 0; i < r.Count; i++)
                {
                    names[i] = r.NameAt(i);
                    int field = i;
                    sums[i] = Sum(values.Select(v => ((BpfRecord)v!).ValueAt(field)).ToList());
                }
                return new BpfRecord(names, sums);
            case IDictionary d:
                var result = new OrderedDictionary(d.Count, StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry e in d)
                    result[e.Key] = Sum(values.Select(v => ((IDictionary)v!)[e.Key]).ToList());
                return result;
            case object?[] items:
                return Enumerable.Range(0, items.Length).Select(i =>
                    Sum(values.Select(v => ((object?[])v!)[i]).ToList())).ToArray();
            case byte or ushort or uint or ulong:
                ulong u = 0;
                foreach (object? v in values) u += Convert.ToUInt64(v);
                return u;
            case sbyte or short or int or long:
                long s = 0;
                foreach (object? v in values) s += Convert.ToInt64(v);
                return s;
            default:
                return first;
        }
    }

    /// <summary>Fills value with the element's bytes; false when the key is not in the map.</summary>
    private bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        Result found = Libbpf.MapLookup(_fd, key, value);
        if (found.Errno == Errno.ENOENT) return false;
        if (found.Errno is Errno.ENOTSUPP or Errno.EOPNOTSUPP)
            throw NoReadableValues((int)found.Errno);
        found.OrThrow("look up an element of map", Info.Name);
        return true;
    }

    /// <summary>Refuses to read a map whose values the kernel keeps to itself (a perf event array, say).</summary>
    private void RequireReadableValues()
    {
        if (Type.HasUnreadableValues())
            throw NoReadableValues(0);
    }

    private BpfException NoReadableValues(int errno) => new(ErrorId.MapHasNoKeys,
        $"Map '{Info.Name}' (id {Info.Id}) is a {Info.Type}: its values are file descriptors the kernel does not " +
        "give back to user space, so it has no entries to read; " + Type switch
        {
            BpfMapType.PerfEventArray => "its events are read through a perf buffer.",
            BpfMapType.Xskmap => "its frames are read through the AF_XDP sockets in it.",
            _ => "its data is read through a consumer for that map type.",
        }, Info.Name, errno);

    public void Dispose() => _fd.Dispose();
}
