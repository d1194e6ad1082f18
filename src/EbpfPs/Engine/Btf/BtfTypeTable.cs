using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// A BTF blob in its wire form (header, type records, strings), read in managed code: the index of every
/// type record, their names, and BtfType nodes built on demand. One model serves type names (Get-BpfMap's
/// KeyType) and the codecs that turn map bytes into objects.
/// </summary>
internal sealed class BtfTypeTable
{
    private const ushort Magic = 0xEB9F;
    private const int TypeHeader = 12;
    private readonly byte[] _raw;
    private readonly int _strings, _stringsLength;
    // _offsets[id] = where type id's record starts in _raw; id 0 is void and has none.
    private readonly List<int> _offsets = new() { -1 };
    private readonly Dictionary<uint, BtfType> _built = new();

    private BtfTypeTable(byte[] raw)
    {
        _raw = raw;
        if (raw.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(raw) != Magic)
            throw Malformed("the header is not a BTF header");
        int headerLength = (int)U32(4);
        int typeOff = (int)U32(8), typeLen = (int)U32(12), strOff = (int)U32(16), strLen = (int)U32(20);
        long typesStart = (long)headerLength + typeOff, stringsStart = (long)headerLength + strOff;
        if (headerLength < 24 || typesStart + typeLen > raw.Length || stringsStart + strLen > raw.Length
            || typeOff < 0 || strOff < 0)
            throw Malformed("its sections run past its end");
        _strings = (int)stringsStart;
        _stringsLength = strLen;
        int offset = (int)typesStart, end = (int)typesStart + typeLen;
        while (offset < end)
        {
            if (offset + TypeHeader > end)
                throw Malformed($"type {_offsets.Count} is cut off");
            _offsets.Add(offset);
            offset += RecordLength(offset);
        }
    }

    /// <summary>Number of types including void (type ids run from 0 to Count - 1).</summary>
    internal int Count => _offsets.Count;

    /// <summary>Parses BTF in its raw form, as libbpf's btf__raw_data returns it.</summary>
    internal static BtfTypeTable Parse(byte[] raw) => new(raw);

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

    internal BtfKind KindOf(uint id) => id == 0 ? BtfKind.Void : (BtfKind)((Info(id) >> 24) & 0x1f);

    internal string NameOf(uint id) => id == 0 ? "" : String(U32(Offset(id)));

    /// <summary>The type with everything it refers to, built once per table.</summary>
    internal BtfType Type(uint id)
    {
        if (_built.TryGetValue(id, out BtfType? known))
            return known;
        var type = new BtfType { Kind = KindOf(id), Name = NameOf(id) };
        _built[id] = type; // before filling it in, so a type that refers to itself ends the recursion
        if (id != 0)
            Fill(type, id);
        return type;
    }

    /// <summary>
    /// Every variable a data section (DATASEC: .rodata, .data, .bss, ...) places, with where it sits.
    /// </summary>
    internal IEnumerable<(string Section, string Name, uint TypeId, int Offset, int Size)> DataSectionVariables()
    {
        for (uint id = 1; id < Count; id++)
        {
            if (KindOf(id) != BtfKind.Datasec) continue;
            string section = NameOf(id);
            int entry = Offset(id) + TypeHeader;
            for (int i = 0; i < (int)(Info(id) & 0xffff); i++, entry += 12)
            {
                uint var = U32(entry);
                if (var < Count && KindOf(var) == BtfKind.Var)
                    yield return (section, NameOf(var), U32(Offset(var) + 8), (int)U32(entry + 4), (int)U32(entry + 8));
            }
        }
    }

    /// <summary>The type as C spells it (struct flow_key, __u32[4], const char *), or null for void.</summary>
    internal string? CName(uint id)
    {
        if (id == 0 || id >= Count) return null;
        string name = NameOf(id);
        int offset = Offset(id);
        return KindOf(id) switch
        {
            BtfKind.Struct => $"struct {Anonymous(name)}",
            BtfKind.Union => $"union {Anonymous(name)}",
            BtfKind.Enum or BtfKind.Enum64 => $"enum {Anonymous(name)}",
            BtfKind.Fwd => (KindFlag(id) ? "union " : "struct ") + name,
            BtfKind.Ptr => $"{CName(U32(offset + 8)) ?? "void"} *",
            BtfKind.Const => $"const {CName(U32(offset + 8)) ?? "void"}",
            BtfKind.Volatile => $"volatile {CName(U32(offset + 8)) ?? "void"}",
            BtfKind.Array => $"{CName(U32(offset + TypeHeader))}[{U32(offset + TypeHeader + 8)}]",
            _ => name,
        };
    }

    private void Fill(BtfType type, uint id)
    {
        int offset = Offset(id);
        uint sizeOrType = U32(offset + 8);
        int extra = offset + TypeHeader;
        int vlen = (int)(Info(id) & 0xffff);
        switch (type.Kind)
        {
            case BtfKind.Int:
                uint encoding = U32(extra);
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
                type.Target = Referenced(sizeOrType);
                break;
            case BtfKind.Array:
                type.Target = Referenced(U32(extra));
                type.ArrayLength = U32(extra + 8);
                type.Size = type.Target.Size * type.ArrayLength;
                break;
            case BtfKind.Struct or BtfKind.Union:
                type.Size = sizeOrType;
                bool bitfields = KindFlag(id);
                for (int i = 0; i < vlen; i++, extra += 12)
                {
                    string name = String(U32(extra));
                    uint bits = U32(extra + 8);
                    type.Members.Add((name.Length == 0 ? $"_{i}" : name, Referenced(U32(extra + 4)),
                        bitfields ? bits & 0xffffff : bits, bitfields ? bits >> 24 : 0));
                }
                break;
            case BtfKind.Enum:
                type.Size = sizeOrType;
                type.Encoding = KindFlag(id) ? BtfIntEncoding.Signed : BtfIntEncoding.None;
                for (int i = 0; i < vlen; i++, extra += 8)
                    type.Enumerators.Add((String(U32(extra)), type.Signed ? (int)U32(extra + 4) : U32(extra + 4)));
                break;
            case BtfKind.Enum64:
                type.Size = sizeOrType;
                type.Encoding = KindFlag(id) ? BtfIntEncoding.Signed : BtfIntEncoding.None;
                for (int i = 0; i < vlen; i++, extra += 12)
                    type.Enumerators.Add((String(U32(extra)), (long)((ulong)U32(extra + 8) << 32 | U32(extra + 4))));
                break;
            case BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                type.Target = Referenced(sizeOrType);
                type.Size = type.Target.Size;
                break;
            case BtfKind.Datasec:
                type.Size = sizeOrType;
                break;
        }
    }

    private BtfType Referenced(uint id) =>
        id < Count ? Type(id) : throw Malformed($"a type refers to type {id}, but there are only {Count - 1}");

    /// <summary>Bytes of a type record: the 12-byte header plus what its kind adds per member.</summary>
    private int RecordLength(int offset)
    {
        uint info = U32(offset + 4);
        int vlen = (int)(info & 0xffff);
        return TypeHeader + (BtfKind)((info >> 24) & 0x1f) switch
        {
            BtfKind.Int => 4,
            BtfKind.Array => 12,
            BtfKind.Struct or BtfKind.Union => 12 * vlen,
            BtfKind.Enum => 8 * vlen,
            BtfKind.FuncProto => 8 * vlen,
            BtfKind.Var => 4,
            BtfKind.Datasec => 12 * vlen,
            BtfKind.DeclTag => 4,
            BtfKind.Enum64 => 12 * vlen,
            BtfKind.Void => throw Malformed($"type record at {offset} has kind 0"),
            var k when k > BtfKind.Enum64 => throw Malformed($"type record at {offset} has unknown kind {(int)k}"),
            _ => 0,
        };
    }

    private int Offset(uint id) => id < Count ? _offsets[(int)id] : throw Malformed($"there is no type {id}");
    private uint Info(uint id) => U32(Offset(id) + 4);
    private bool KindFlag(uint id) => (Info(id) >> 31) != 0;
    private uint U32(int at) => at + 4 <= _raw.Length ? BinaryPrimitives.ReadUInt32LittleEndian(_raw.AsSpan(at))
        : throw Malformed("it is cut off");

    private string String(uint offset)
    {
        if (offset >= _stringsLength) throw Malformed($"a name points past its strings ({offset})");
        ReadOnlySpan<byte> rest = _raw.AsSpan(_strings + (int)offset, _stringsLength - (int)offset);
        int nul = rest.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(nul < 0 ? rest : rest[..nul]);
    }

    private static string Anonymous(string name) => name.Length == 0 ? "(anon)" : name;

    private static BpfException Malformed(string what) => new(ErrorId.BtfTypeNotFound,
        $"The BTF is malformed: {what}.");
}
