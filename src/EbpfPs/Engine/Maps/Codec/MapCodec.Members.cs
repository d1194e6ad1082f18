using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps.Codec;

/// <summary>
/// The fields of a struct, union or data section as C code addresses them: the members of an anonymous
/// struct or union are fields of the parent (`vip`, not `_0.vip`), at their place in the parent.
/// </summary>
internal sealed partial class MapCodec
{
    /// <summary>One field: a name, its type, where its bits start in the outer record, and whether a write may
    /// leave it out (union members, the variables of a data section).</summary>
    private readonly record struct Field(string Name, BtfType Type, uint BitOffset, uint BitSize, bool Optional)
    {
        public (string Name, BtfType Type, uint BitOffset, uint BitSize) Member => (Name, Type, BitOffset, BitSize);
    }

    /// <summary>
    /// True for data sections (.data, .bss, ...): a write names only the variables it changes and the others
    /// keep their bytes, so the writer starts from the current value.
    /// </summary>
    public bool KeepsUnsetBytes { get; private init; }

    /// <summary>The key of a one-element array map: the index as an unsigned number.</summary>
    public static MapCodec Index() =>
        Build(new BtfType { Kind = BtfKind.Int, Name = "__u32", Size = 4, IntBits = 32 }, "key", false);

    /// <summary>The value of a map of programs or maps: read through describe, written by BpfMap itself.</summary>
    public static MapCodec Held(Decoder describe) => new(describe, (_, _, _, path) =>
        throw FieldError(ErrorId.WrongShape, path, "is a program or map, which only a whole entry can hold."), 4);

    private static List<Field> Fields(BtfType record)
    {
        var fields = new List<Field>();
        void Add(BtfType t, uint baseBits, bool optional)
        {
            bool each = optional || t.Kind is BtfKind.Union or BtfKind.Datasec;
            for (int i = 0; i < t.Members.Count; i++)
            {
                var (name, type, bitOffset, bitSize) = t.Members[i];
                BtfType inner = type.Resolved();
                if (name.Length == 0 && inner.Kind is BtfKind.Struct or BtfKind.Union)
                    Add(inner, baseBits + bitOffset, each);
                else
                    fields.Add(new Field(name.Length == 0 ? $"_{i}" : name, type, baseBits + bitOffset, bitSize,
                        each));
            }
        }
        Add(record, 0, false);
        return fields;
    }

    private static Decoder RecordDecoder(BtfType t, bool net)
    {
        List<Field> fields = Fields(t);
        string[] fieldNames = fields.Select(f => f.Name).ToArray();
        Decoder[] decoders = fields.Select(f => MemberDecoder(f.Member, net)).ToArray();
        return (b, o) =>
        {
            var values = new object?[decoders.Length];
            for (int i = 0; i < decoders.Length; i++)
                values[i] = decoders[i](b, o);
            return new BpfRecord(fieldNames, values);
        };
    }

    /// <summary>
    /// An address kept as four __be32 or eight __be16 words (Katran's vipv6, many flow keys) under an
    /// address-like field name reads as one IPv6 address.
    /// </summary>
    private static bool IsBigEndianWordAddress(BtfType array, string field, bool net)
    {
        BtfType element = array.Target!.Unqualified();
        return net && element.Kind == BtfKind.Typedef && IsBigEndianTypedef(element.Name)
            && element.Resolved().Size * array.ArrayLength == 16 && NameHas(field, AddressWords);
    }

    private static bool TryWriteIpv6(object? value, byte[] b, int o, int size)
    {
        return size == 16 && Unwrap(value) is string s && NetworkTypes.TryParseIpv6(s, b.AsSpan(o, 16));
    }
}
