using System;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Maps of values without keys: queues (first in, first out) and stacks (last in, first out) are peeked, popped
/// and pushed; bloom filters take values and answer whether one may be in them. Each call passes a NULL key, as
/// bpftool's map peek/pop/push do.
/// </summary>
public sealed partial class BpfMap
{
    /// <summary>A queue, stack or bloom filter: no keys, only values.</summary>
    public bool HoldsValuesOnly => Type.HoldsValuesOnly();

    /// <summary>A queue or stack: values are peeked at, popped and pushed.</summary>
    public bool IsQueueOrStack => Type is BpfMapType.Queue or BpfMapType.Stack;

    /// <summary>The value the next pop would take, left in place; null when the queue or stack is empty.</summary>
    public BpfMapEntry? Peek(bool raw = false)
    {
        RequireQueueOrStack("peek");
        byte[] v = new byte[Info.ValueSize];
        Result found = Libbpf.MapLookup(_fd, default, v);
        if (found.Errno == Errno.ENOENT)
            return null;
        found.OrThrow("peek into map", Info.Name);
        return ValueEntry(v, raw);
    }

    /// <summary>Takes the next value out (a queue's oldest, a stack's newest); null when it is empty.</summary>
    public BpfMapEntry? Pop(bool raw = false)
    {
        RequireQueueOrStack("pop");
        byte[] v = new byte[Info.ValueSize];
        Result taken = Libbpf.MapLookupAndDelete(_fd, default, v);
        if (taken.Errno == Errno.ENOENT)
            return null;
        taken.OrThrow("pop a value of map", Info.Name);
        return ValueEntry(v, raw);
    }

    /// <summary>
    /// Pushes one value (a bloom filter: adds it). A full queue or stack is MapFull unless overwrite, which has
    /// the kernel drop the value a pop would take next to make room (BPF_EXIST).
    /// </summary>
    public void Push(object? value, bool overwrite = false)
    {
        if (!HoldsValuesOnly)
            throw NotQueueOrStack("push to");
        byte[] v = new byte[Info.ValueSize];
        EncodeValue(value, v, 0, "");
        // A bloom filter takes BPF_ANY only; overwriting has no meaning there.
        bool replace = overwrite && Type != BpfMapType.BloomFilter;
        Result pushed = Libbpf.MapUpdate(_fd, default, v, replace ? MapUpdateFlags.Exist : MapUpdateFlags.Any);
        if (pushed.Errno == Errno.E2BIG)
            throw new BpfException(ErrorId.MapFull,
                $"Map '{Info.Name}' is full ({Info.MaxEntries} values); pop one first, or push with -Force to drop " +
                $"the value a pop would take next.", value, (int)Errno.E2BIG);
        pushed.OrThrow("push a value to map", Info.Name);
    }

    /// <summary>
    /// Whether a bloom filter may hold the value: false is certain, true may be a false positive.
    /// </summary>
    public bool MayContain(object? value)
    {
        if (Type != BpfMapType.BloomFilter)
            throw NotQueueOrStack("test a value of");
        byte[] v = new byte[Info.ValueSize];
        EncodeValue(value, v, 0, "");
        Result found = Libbpf.MapLookup(_fd, default, v);
        if (found.Errno == Errno.ENOENT)
            return false;
        found.OrThrow("test a value of map", Info.Name);
        return true;
    }

    /// <summary>
    /// A queue's or stack's value codec from its object's BTF: libbpf creates those maps without BTF (and forgets
    /// the value type id), so only the map's declaration in the .maps section still says what `__type(value, T)`
    /// was: its `value` member points to T. Null where the object does not say (then values read as numbers or
    /// hex, as for any map without BTF).
    /// </summary>
    private static MapCodec? DeclaredValueCodec(BpfLoadedMap map, bool net)
    {
        if (!((BpfMapType)map.Info.TypeId).HoldsValuesOnly())
            return null;
        byte[] raw = Libbpf.ObjectBtf(map.Object.Handle);
        if (raw.Length == 0)
            return null;
        BtfTypeTable btf = BtfTypeTable.Parse(raw);
        foreach (var v in btf.DataSectionVariables())
        {
            if (v.Section != ".maps" || v.Name != map.Name)
                continue;
            foreach (var member in btf.Type(v.TypeId).Resolved().Members)
                if (member.Name == "value" && member.Type.Unqualified() is { Kind: BtfKind.Ptr, Target: BtfType t })
                {
                    MapCodec codec = MapCodec.Build(t, map.Name, net);
                    return codec.Size == map.ValueSize ? codec : null;
                }
        }
        return null;
    }

    /// <summary>Pops until the queue or stack is empty; how many values it held.</summary>
    private int PopAll()
    {
        if (Type == BpfMapType.BloomFilter)
            throw new BpfException(ErrorId.MapHasNoKeys,
                $"Map '{Info.Name}' is a bloom filter: values cannot be taken out of it, so it cannot be cleared; " +
                "load it anew instead.", Info.Name);
        int count = 0;
        byte[] v = new byte[Info.ValueSize];
        while (true)
        {
            Result taken = Libbpf.MapLookupAndDelete(_fd, default, v);
            if (taken.Errno == Errno.ENOENT)
                return count;
            taken.OrThrow("pop a value of map", Info.Name);
            count++;
        }
    }

    private BpfMapEntry ValueEntry(byte[] v, bool raw) => new()
    {
        MapId = Info.Id, Map = Info.Name, Key = null, Value = raw ? v : _value.Decode(v, 0),
        ValueHex = !raw && _value.IsRaw ? MapCodec.Hex(v, 0, v.Length) : null,
    };

    private void RequireQueueOrStack(string what)
    {
        if (!IsQueueOrStack)
            throw NotQueueOrStack(what);
    }

    private BpfException NotQueueOrStack(string what) => new(ErrorId.MapNotQueueOrStack,
        $"Cannot {what} map '{Info.Name}' (id {Info.Id}): it is a {Info.Type}" + (Type == BpfMapType.BloomFilter
            ? ", which is pushed to and tested (Push-BpfMapEntry, Test-BpfMapEntry), never peeked or popped."
            : ". Push and pop are for queues and stacks (Test for bloom filters); read and write this map by key " +
                "with Get-, Set- and Remove-BpfMapEntry."), Info.Name);

    /// <summary>Refuses a keyed call on a map that has no keys, naming the calls it does take.</summary>
    private void RequireKeys()
    {
        if (!HoldsValuesOnly)
            return;
        throw new BpfException(ErrorId.MapHasNoKeys, Type == BpfMapType.BloomFilter
            ? $"Map '{Info.Name}' (id {Info.Id}) is a bloom filter: it has no keys or entries to read; add values " +
                "with Push-BpfMapEntry and test them with Test-BpfMapEntry."
            : $"Map '{Info.Name}' (id {Info.Id}) is a {Info.Type}: it has no keys; peek at its next value with " +
                "Get-BpfMapEntry, take values with Pop-BpfMapEntry and add them with Push-BpfMapEntry.", Info.Name);
    }
}
