using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// A number inside a map's key or value that entries are ranked by, found through the map's BTF: where its
/// bytes are, how wide, signed or not, in which byte order. Reading it from the raw batch buffers is what lets
/// a top-N query skip decoding every entry. Per-CPU values are summed across CPUs, as a read shows them.
/// </summary>
public sealed class MapSortField
{
    private MapSortField(string name, bool inKey, int offset, int size, bool signed, bool bigEndian, bool isFloat)
    {
        Name = name;
        InKey = inKey;
        Offset = offset;
        Size = size;
        Signed = signed;
        BigEndian = bigEndian;
        IsFloat = isFloat;
    }

    /// <summary>The field as -SortBy names it in full: Key.x or Value.x (Value for a value that is a number).</summary>
    public string Name { get; }
    public bool InKey { get; }
    public int Offset { get; }
    public int Size { get; }
    public bool Signed { get; }
    public bool BigEndian { get; }
    public bool IsFloat { get; }

    /// <summary>
    /// Finds the field a -SortBy text names: "bytes" or "Value.bytes" (a value field), "Key.src" (a key field),
    /// nested members by dots ("stats.rx.bytes"), members of anonymous structs and unions as the parent's;
    /// "Value" or "Key" alone for a key or value that is a number itself. Names match case-insensitively.
    /// </summary>
    internal static MapSortField Resolve(BpfMapInfo info, string text)
    {
        string path = text.Trim();
        bool inKey = false;
        if (StripSide(ref path, "Key"))
            inKey = true;
        else
            StripSide(ref path, "Value");
        (BtfType? type, int size) = TypeOf(info, inKey);
        string side = inKey ? "Key" : "Value";
        string[] parts = path.Length == 0 ? Array.Empty<string>() : path.Split('.');
        int offset = 0;
        BtfType? node = type;
        foreach (string part in parts)
        {
            var member = node is null ? null : FindMember(node.Resolved(), part);
            if (member is not var (found, bitOffset, bitSize))
                throw NotFound(info, text, type, inKey);
            if (bitSize != 0 || bitOffset % 8 != 0)
                throw NotNumeric(info, text, "a bitfield");
            offset += (int)(bitOffset / 8);
            node = found;
        }
        string name = parts.Length == 0 ? side : side + "." + string.Join(".", parts);
        if (node is null)
            return size is 1 or 2 or 4 or 8 ? new MapSortField(name, inKey, 0, size, false, false, false)
                : throw NotNumeric(info, text, $"{size} bytes without BTF, not an integer");
        bool bigEndian = IsBigEndian(node);
        BtfType t = node.Resolved();
        return t.Kind switch
        {
            BtfKind.Int when t.IsBool => throw NotNumeric(info, text, "a bool"),
            BtfKind.Int when t.IsChar => throw NotNumeric(info, text, "a char"),
            BtfKind.Int when t.Size is 1 or 2 or 4 or 8 && (t.IntBits == 0 || t.IntBits == t.Size * 8)
                && t.IntOffset == 0 => new(name, inKey, offset, (int)t.Size, t.Signed, bigEndian, false),
            BtfKind.Enum or BtfKind.Enum64 when t.Size is 1 or 2 or 4 or 8 =>
                new(name, inKey, offset, (int)t.Size, t.Signed, false, false),
            BtfKind.Float when t.Size is 4 or 8 => new(name, inKey, offset, (int)t.Size, true, false, true),
            _ => throw NotNumeric(info, text, Describe(t)),
        };
    }

    /// <summary>
    /// The names -SortBy takes for this map, for tab completion: each numeric value field by its plain name,
    /// then each numeric key field as Key.name.
    /// </summary>
    internal static IEnumerable<string> Names(BpfMapInfo info)
    {
        foreach (bool inKey in new[] { false, true })
        {
            BtfType? type;
            try { type = TypeOf(info, inKey).Type; }
            catch (BpfException) { continue; }
            string prefix = inKey ? "Key." : "";
            if (type is null)
                yield return inKey ? "Key" : "Value";
            else
                foreach (string path in NumericPaths(type.Resolved(), ""))
                    yield return path.Length == 0 ? (inKey ? "Key" : "Value") : prefix + path;
        }
    }

    /// <summary>The field's number in one entry: the key's, or the value's summed over cpus slots of stride.</summary>
    public Int128 Read(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int cpus, int stride)
    {
        if (InKey)
            return IsFloat ? Ordered(ReadFloat(key)) : ReadInt(key.Slice(Offset, Size));
        if (IsFloat)
        {
            double sum = 0;
            for (int cpu = 0; cpu < cpus; cpu++)
                sum += ReadFloat(value.Slice(cpu * stride));
            return Ordered(sum);
        }
        Int128 total = 0;
        for (int cpu = 0; cpu < cpus; cpu++)
            total += ReadInt(value.Slice(cpu * stride + Offset, Size));
        return total;
    }

    private Int128 ReadInt(ReadOnlySpan<byte> b) => (Size, Signed, BigEndian) switch
    {
        (1, false, _) => b[0],
        (1, true, _) => (sbyte)b[0],
        (2, false, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        (2, true, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        (2, _, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        (4, false, false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        (4, true, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        (4, _, true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        (8, false, false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        (8, true, false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        _ => BinaryPrimitives.ReadUInt64BigEndian(b),
    };

    private double ReadFloat(ReadOnlySpan<byte> b) => Size == 4
        ? BinaryPrimitives.ReadSingleLittleEndian(b.Slice(Offset))
        : BinaryPrimitives.ReadDoubleLittleEndian(b.Slice(Offset));

    /// <summary>A double as an integer of the same order, so floats rank by the comparison integers use.</summary>
    private static Int128 Ordered(double d)
    {
        long bits = BitConverter.DoubleToInt64Bits(d == 0 ? 0 : d);
        return bits < 0 ? -(Int128)(bits & long.MaxValue) - 1 : bits;
    }

    private static bool StripSide(ref string path, string side)
    {
        if (path.Equals(side, StringComparison.OrdinalIgnoreCase))
        {
            path = "";
            return true;
        }
        if (!path.StartsWith(side + ".", StringComparison.OrdinalIgnoreCase))
            return false;
        path = path[(side.Length + 1)..];
        return true;
    }

    private static (BtfType? Type, int Size) TypeOf(BpfMapInfo info, bool inKey)
    {
        uint typeId = inKey ? info.BtfKeyTypeId : info.BtfValueTypeId;
        int size = (int)(inKey ? info.KeySize : info.ValueSize);
        if (info.BtfId == 0 || typeId == 0 || BtfTypeTable.TryLoad(info.BtfId) is not BtfTypeTable btf)
            return (null, size);
        return (btf.Type(typeId), size);
    }

    private static (BtfType Type, uint BitOffset, uint BitSize)? FindMember(BtfType record, string name)
    {
        if (record.Kind is not (BtfKind.Struct or BtfKind.Union or BtfKind.Datasec))
            return null;
        foreach (var (memberName, type, bitOffset, bitSize) in record.Members)
        {
            if (memberName.Equals(name, StringComparison.OrdinalIgnoreCase))
                return (type, bitOffset, bitSize);
            BtfType inner = type.Resolved();
            if (memberName.Length == 0 && inner.Kind is BtfKind.Struct or BtfKind.Union
                && FindMember(inner, name) is var (t, o, s))
                return (t, o + bitOffset, s);
        }
        return null;
    }

    private static IEnumerable<string> NumericPaths(BtfType t, string path)
    {
        if (t.Kind is BtfKind.Int && !t.IsBool && !t.IsChar || t.Kind is BtfKind.Enum or BtfKind.Enum64
            or BtfKind.Float)
        {
            yield return path;
            yield break;
        }
        if (t.Kind is not (BtfKind.Struct or BtfKind.Union))
            yield break;
        foreach (var (name, type, bitOffset, bitSize) in t.Members)
        {
            if (bitSize != 0 || bitOffset % 8 != 0)
                continue;
            string inner = name.Length == 0 ? path : path.Length == 0 ? name : path + "." + name;
            foreach (string p in NumericPaths(type.Resolved(), inner))
                yield return p;
        }
    }

    private static bool IsBigEndian(BtfType node)
    {
        for (BtfType? n = node.Unqualified(); n is { Kind: BtfKind.Typedef }; n = n.Target?.Unqualified())
            if (n.Name is "__be16" or "__be32" or "__be64" or "be16" or "be32" or "be64")
                return true;
        return false;
    }

    private static string Describe(BtfType t) => t.Kind switch
    {
        BtfKind.Struct => $"a struct{(t.Name.Length > 0 ? " " + t.Name : "")} (name one of its members)",
        BtfKind.Union => "a union (name one of its members)",
        BtfKind.Array => "an array",
        BtfKind.Ptr => "a pointer",
        _ => $"a {t.Kind}",
    };

    private static BpfException NotFound(BpfMapInfo info, string text, BtfType? type, bool inKey)
    {
        string known = string.Join(", ", Names(info));
        return new BpfException(ErrorId.SortFieldNotFound,
            $"Map '{info.Name}' has no {(inKey ? "key" : "value")} field '{text}' to sort by" +
            (known.Length > 0 ? $"; it can sort by: {known}." : "."), text);
    }

    private static BpfException NotNumeric(BpfMapInfo info, string text, string what) =>
        new(ErrorId.SortFieldNotNumeric,
            $"Field '{text}' of map '{info.Name}' is {what}, not a number to sort by; the numbers it can sort by: " +
            $"{string.Join(", ", Names(info))}.", text);
}
