using System;
using System.Collections.Generic;

namespace EbpfPs;

/// <summary>
/// One BTF type record, as `bpftool btf dump` lists it: its id, kind, name, size and what it refers to.
/// </summary>
public sealed class BpfBtfType
{
    /// <summary>The kernel's id of the BTF object the type belongs to; null for types read from a file.</summary>
    public uint? BtfId { get; init; }
    /// <summary>The type id within its BTF (what member and map type ids refer to).</summary>
    public uint Id { get; init; }
    /// <summary>
    /// The kind as BTF spells it: INT, PTR, ARRAY, STRUCT, UNION, ENUM, TYPEDEF, FUNC, VAR, DATASEC, ...
    /// </summary>
    public string Kind { get; init; } = "";
    /// <summary>The name; empty for an anonymous type.</summary>
    public string Name { get; init; } = "";
    /// <summary>The type as C spells it: struct ip_pair, __u32[4], const char *.</summary>
    public string? CName { get; init; }
    /// <summary>Bytes, for the kinds that have a size (INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC).</summary>
    public uint? Size { get; init; }
    /// <summary>
    /// The type it refers to: the target of PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, FUNC, VAR and
    /// DECL_TAG, the element of an ARRAY, the return type of a FUNC_PROTO.
    /// </summary>
    public uint? TypeId { get; init; }
    /// <summary>How many members, parameters, enumerators or variables the record lists.</summary>
    public int Vlen { get; init; }
    /// <summary>STRUCT and UNION members, FUNC_PROTO parameters, DATASEC variables.</summary>
    public IReadOnlyList<BpfBtfMember> Members { get; init; } = Array.Empty<BpfBtfMember>();
    /// <summary>ENUM and ENUM64 enumerators.</summary>
    public IReadOnlyList<BpfBtfEnumValue> Values { get; init; } = Array.Empty<BpfBtfEnumValue>();
    /// <summary>INT: SIGNED, CHAR, BOOL or (none), as bpftool prints it; ENUM: SIGNED or UNSIGNED.</summary>
    public string? Encoding { get; init; }
    /// <summary>INT: how many bits hold the value, and from which bit.</summary>
    public int? Bits { get; init; }
    public int? BitOffset { get; init; }
    /// <summary>ARRAY: the index type and the number of elements.</summary>
    public uint? IndexTypeId { get; init; }
    public uint? ArrayLength { get; init; }
    /// <summary>FUNC and VAR: static, global or extern.</summary>
    public string? Linkage { get; init; }
    /// <summary>FWD: struct or union.</summary>
    public string? ForwardKind { get; init; }
    /// <summary>DECL_TAG: the member or parameter it tags (-1: the type itself).</summary>
    public int? ComponentIndex { get; init; }

    public override string ToString() => $"[{Id}] {Kind} {(Name.Length == 0 ? "(anon)" : Name)}";
}

/// <summary>
/// A STRUCT or UNION member (BitOffset, BitfieldSize), a FUNC_PROTO parameter, or a DATASEC variable (Offset,
/// Size in bytes).
/// </summary>
public sealed class BpfBtfMember
{
    public string Name { get; init; } = "";
    public uint TypeId { get; init; }
    public string? TypeName { get; init; }
    public uint? BitOffset { get; init; }
    public uint? BitfieldSize { get; init; }
    public uint? Offset { get; init; }
    public uint? Size { get; init; }

    public override string ToString() => Offset is uint o ? $"{Name}@{o}" : $"{TypeName} {Name}".Trim();
}

/// <summary>An enumerator of an ENUM or ENUM64.</summary>
public sealed class BpfBtfEnumValue
{
    public string Name { get; init; } = "";
    public long Value { get; init; }

    public override string ToString() => $"{Name}={Value}";
}
