using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Whether a map's key or value means the same in two builds, by BTF: the same fields (by name) at the same offsets
/// with the same sizes, all the way down. Sizes alone agree when a field is renamed or two fields swap places, and
/// a new build would then read the old build's counters as something else; names of the types themselves may change.
/// </summary>
internal static class MapLayout
{
    /// <summary>
    /// The first difference between the layout a map has (old) and the one a new build expects (new), said for an
    /// operator ("value: field 'dropped' (offset 16, 8 bytes) is new"); null when they agree.
    /// </summary>
    internal static string? FirstDifference(BtfType old, BtfType @new, string what) =>
        Compare(old, @new, what, "", 0);

    private static string? Compare(BtfType old, BtfType @new, string what, string field, uint offset)
    {
        BtfType o = old.Resolved(), n = @new.Resolved();
        string at = field.Length == 0 ? what : $"{what}: field '{field}'";
        if (Family(o.Kind) != Family(n.Kind))
            return $"{at} was {Describe(o)}, is {Describe(n)} now";
        uint oldSize = SizeOf(o), newSize = SizeOf(n);
        switch (o.Kind)
        {
            case BtfKind.Struct or BtfKind.Union:
                return CompareMembers(o, n, what, field, offset)
                    ?? (oldSize != newSize ? $"{at} was {oldSize} bytes, is {newSize} now" : null);
            case BtfKind.Array:
                if (o.ArrayLength != n.ArrayLength)
                    return $"{at} had {o.ArrayLength} elements, has {n.ArrayLength} now";
                return o.Target is null || n.Target is null ? null
                    : Compare(o.Target, n.Target, what, field + "[]", offset);
            default:
                if (oldSize != newSize)
                    return $"{at} was {oldSize} bytes, is {newSize} now";
                if (o.Kind == BtfKind.Int && (o.Signed != n.Signed || o.IntBits != n.IntBits))
                    return $"{at} was {Describe(o)}, is {Describe(n)} now";
                return null;
        }
    }

    private static string? CompareMembers(BtfType o, BtfType n, string what, string field, uint offset)
    {
        string Path(string name) => field.Length == 0 ? name : $"{field}.{name}";
        // An anonymous struct or union inside is known by where it starts.
        static string Key((string Name, BtfType, uint BitOffset, uint) m) =>
            m.Name.Length > 0 ? m.Name : $"(anonymous at bit {m.BitOffset})";
        var olds = o.Members.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        foreach (var m in n.Members)
        {
            uint at = offset + m.BitOffset / 8;
            if (!olds.TryGetValue(Key(m), out var before))
                return $"{what}: field '{Path(m.Name)}' (offset {at}, {Bytes(m.Type, m.BitSize)}) is new";
            if (before.BitOffset != m.BitOffset || before.BitSize != m.BitSize)
                return $"{what}: field '{Path(m.Name)}' was at offset {offset + before.BitOffset / 8} " +
                    $"({Bytes(before.Type, before.BitSize)}), is at offset {at} ({Bytes(m.Type, m.BitSize)}) now";
            if (Compare(before.Type, m.Type, what, Path(m.Name), at) is string inner)
                return inner;
        }
        var news = n.Members.Select(Key).ToHashSet();
        foreach (var m in o.Members.Where(m => !news.Contains(Key(m))))
            return $"{what}: field '{Path(m.Name)}' (offset {offset + m.BitOffset / 8}, {Bytes(m.Type, m.BitSize)}) " +
                "is gone";
        return null;
    }

    /// <summary>Kinds that lay out alike: an enum may become an int of the same size, a struct never a union.</summary>
    private static int Family(BtfKind kind) => kind switch
    {
        BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 => 1,
        _ => (int)kind + 16,
    };

    private static string Bytes(BtfType t, uint bitSize) =>
        bitSize != 0 ? $"{bitSize} bits" : $"{SizeOf(t.Resolved())} bytes";

    private static string Describe(BtfType t) => t.Kind switch
    {
        BtfKind.Int => $"{(t.Signed ? "a signed" : "an unsigned")} {t.IntBits}-bit integer",
        BtfKind.Struct => "a struct",
        BtfKind.Union => "a union",
        BtfKind.Array => "an array",
        BtfKind.Ptr => "a pointer",
        _ => $"a {t.Kind.ToString().ToLowerInvariant()}",
    };

    internal static uint SizeOf(BtfType t) => t.Kind switch
    {
        BtfKind.Array => t.Target is null ? 0 : t.ArrayLength * SizeOf(t.Target.Resolved()),
        BtfKind.Ptr => 8,
        _ => t.Size,
    };
}
