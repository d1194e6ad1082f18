using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// The one BTF type model: BtfType nodes built on demand from a BtfImage (the wire form, read and bounds-checked
/// in managed code), plus the C spelling of a type and the variables of data sections. It serves type names
/// (Get-BpfMap's KeyType), the codecs that turn map bytes into objects, and global variables.
/// </summary>
internal sealed partial class BtfTypeTable
{
    private readonly BtfImage _image;
    private readonly Dictionary<uint, BtfType> _built = new();

    private BtfTypeTable(BtfImage image) => _image = image;

    /// <summary>Number of types including void (type ids run from 0 to Count - 1).</summary>
    internal int Count => _image.Count + 1;

    /// <summary>
    /// Parses BTF in its raw form, as libbpf's btf__raw_data returns it or /sys/kernel/btf/vmlinux holds it.
    /// </summary>
    internal static BtfTypeTable Parse(byte[] raw)
    {
        try { return new BtfTypeTable(BtfImage.Parse(raw, 0, raw.Length, "the BTF")); }
        catch (InvalidObjectException e) { throw Malformed(e.Message); }
    }

    /// <summary>
    /// The BTF object the kernel holds under this id; null when it cannot be read (freed meanwhile, say).
    /// </summary>
    internal static BtfTypeTable? TryLoad(uint btfId)
    {
        Result<SafeBtfHandle> loaded = Libbpf.LoadKernelBtf(btfId);
        if (!loaded.Ok) return null;
        using SafeBtfHandle btf = loaded.Value;
        try { return Parse(Libbpf.RawBtf(btf)); }
        catch (BpfException) { return null; }
    }

    internal BtfKind KindOf(uint id) => Known(id) ? _image.Kind((int)id) : BtfKind.Void;

    internal string NameOf(uint id) => id == 0 || !Known(id) ? "" : String(_image.NameOffset((int)id));

    /// <summary>The type with everything it refers to, built once per table.</summary>
    internal BtfType Type(uint id)
    {
        if (_built.TryGetValue(id, out BtfType? known))
            return known;
        if (!Known(id))
            throw Malformed($"a type refers to type {id}, but there are only {Count - 1}");
        var type = new BtfType { Kind = KindOf(id), Name = NameOf(id) };
        _built[id] = type; // before filling it in, so a type that refers to itself ends the recursion
        if (id != 0)
            Fill(type, (int)id);
        return type;
    }

    /// <summary>
    /// Every variable a data section (DATASEC: .rodata, .data, .bss, ...) places, with where it sits.
    /// </summary>
    internal IEnumerable<(string Section, string Name, uint TypeId, int Offset, int Size)> DataSectionVariables()
    {
        for (int id = 1; id <= _image.Count; id++)
        {
            if (_image.Kind(id) != BtfKind.Datasec) continue;
            string section = NameOf((uint)id);
            for (int i = 0; i < _image.Vlen(id); i++)
            {
                uint var = _image.Tail(id, 3 * i);
                if (Known(var) && KindOf(var) == BtfKind.Var)
                    yield return (section, NameOf(var), _image.SizeOrType((int)var), (int)_image.Tail(id, 3 * i + 1),
                        (int)_image.Tail(id, 3 * i + 2));
            }
        }
    }

    /// <summary>
    /// The type a C name names: "struct event", "union u", "enum e" or a bare name (a struct, union, typedef, enum
    /// or integer of that name, structs first); null when there is none.
    /// </summary>
    internal BtfType? FindType(string cName)
    {
        string name = cName.Trim();
        BtfKind? wanted = null;
        foreach ((string prefix, BtfKind kind) in new[] { ("struct ", BtfKind.Struct), ("union ", BtfKind.Union),
            ("enum ", BtfKind.Enum) })
            if (name.StartsWith(prefix, System.StringComparison.Ordinal))
                (name, wanted) = (name[prefix.Length..].Trim(), kind);
        uint best = 0;
        for (uint id = 1; id < (uint)Count; id++)
        {
            BtfKind kind = KindOf(id);
            bool fits = wanted is BtfKind w ? kind == w || w == BtfKind.Enum && kind == BtfKind.Enum64
                : kind is BtfKind.Struct or BtfKind.Union or BtfKind.Typedef or BtfKind.Enum or BtfKind.Enum64
                    or BtfKind.Int;
            if (!fits || NameOf(id) != name) continue;
            if (kind is BtfKind.Struct or BtfKind.Union) return Type(id);
            if (best == 0) best = id;
        }
        return best == 0 ? null : Type(best);
    }

    /// <summary>Names of the struct and union types, for messages that say what there is.</summary>
    internal IEnumerable<string> RecordNames()
    {
        for (uint id = 1; id < (uint)Count; id++)
            if (KindOf(id) is BtfKind.Struct or BtfKind.Union && NameOf(id).Length > 0)
                yield return (KindOf(id) == BtfKind.Struct ? "struct " : "union ") + NameOf(id);
    }

    /// <summary>The type as C spells it (struct ip_pair, __u32[4], const char *), or null for void.</summary>
    internal string? CName(uint id)
    {
        if (id == 0 || !Known(id)) return null;
        string name = NameOf(id);
        int i = (int)id;
        return KindOf(id) switch
        {
            BtfKind.Struct => $"struct {Anonymous(name)}",
            BtfKind.Union => $"union {Anonymous(name)}",
            BtfKind.Enum or BtfKind.Enum64 => $"enum {Anonymous(name)}",
            BtfKind.Fwd => (_image.KindFlag(i) ? "union " : "struct ") + name,
            BtfKind.Ptr => $"{CName(_image.SizeOrType(i)) ?? "void"} *",
            BtfKind.Const => $"const {CName(_image.SizeOrType(i)) ?? "void"}",
            BtfKind.Volatile => $"volatile {CName(_image.SizeOrType(i)) ?? "void"}",
            BtfKind.Array => $"{CName(_image.Tail(i, 0))}[{_image.Tail(i, 2)}]",
            _ => name,
        };
    }

    private void Fill(BtfType type, int id)
    {
        uint sizeOrType = _image.SizeOrType(id);
        int vlen = _image.Vlen(id);
        switch (type.Kind)
        {
            case BtfKind.Int:
                uint encoding = _image.Tail(id, 0);
                type.Size = sizeOrType;
                type.Encoding = (BtfIntEncoding)((encoding >> 24) & 0xf);
                type.IntOffset = (int)((encoding >> 16) & 0xff);
                type.IntBits = (int)(encoding & 0xff);
                break;
            case BtfKind.Float:
                type.Size = sizeOrType;
                break;
            case BtfKind.Ptr:
                type.Size = 8;
                type.Target = Type(sizeOrType);
                break;
            case BtfKind.Array:
                type.Target = Type(_image.Tail(id, 0));
                type.ArrayLength = _image.Tail(id, 2);
                type.Size = type.Target.Size * type.ArrayLength;
                break;
            case BtfKind.Struct or BtfKind.Union:
                type.Size = sizeOrType;
                bool bitfields = _image.KindFlag(id);
                for (int i = 0; i < vlen; i++)
                {
                    string name = String(_image.Tail(id, 3 * i));
                    uint bits = _image.Tail(id, 3 * i + 2);
                    // Anonymous members keep an empty name: the codecs lift their fields into the parent.
                    type.Members.Add((name, Type(_image.Tail(id, 3 * i + 1)),
                        bitfields ? bits & 0xffffff : bits, bitfields ? bits >> 24 : 0));
                }
                break;
            case BtfKind.Enum:
                type.Size = sizeOrType;
                type.Encoding = _image.KindFlag(id) ? BtfIntEncoding.Signed : BtfIntEncoding.None;
                for (int i = 0; i < vlen; i++)
                {
                    uint value = _image.Tail(id, 2 * i + 1);
                    type.Enumerators.Add((String(_image.Tail(id, 2 * i)), type.Signed ? (int)value : value));
                }
                break;
            case BtfKind.Enum64:
                type.Size = sizeOrType;
                type.Encoding = _image.KindFlag(id) ? BtfIntEncoding.Signed : BtfIntEncoding.None;
                for (int i = 0; i < vlen; i++)
                    type.Enumerators.Add((String(_image.Tail(id, 3 * i)),
                        (long)((ulong)_image.Tail(id, 3 * i + 2) << 32 | _image.Tail(id, 3 * i + 1))));
                break;
            case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                type.Target = Type(sizeOrType);
                type.Size = type.Target.Size;
                break;
            case BtfKind.Datasec:
                // A data section reads like a struct whose members are its variables, at their offsets.
                type.Size = sizeOrType;
                for (int i = 0; i < vlen; i++)
                {
                    uint var = _image.Tail(id, 3 * i);
                    if (Known(var) && KindOf(var) == BtfKind.Var)
                        type.Members.Add((NameOf(var), Type(_image.SizeOrType((int)var)),
                            _image.Tail(id, 3 * i + 1) * 8, 0));
                }
                break;
        }
    }

    private bool Known(uint id) => id < (uint)Count;

    private string String(uint offset) =>
        _image.IsString(offset) ? StringTable.StringAt(_image.Strings, offset)
            : throw Malformed($"a name points past its strings ({offset})");

    private static string Anonymous(string name) => name.Length == 0 ? "(anon)" : name;

    private static BpfException Malformed(string what) => new(ErrorId.BtfTypeNotFound,
        $"The BTF is malformed: {what}.");
}
