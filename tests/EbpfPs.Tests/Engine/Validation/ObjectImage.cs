using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace EbpfPs.Tests.Engine.Validation;

/// <summary>
/// A small but complete BPF object built byte by byte, as clang would lay it out: one XDP program that loads a
/// BTF-defined map, a license, .BTF with every kind of reference, .BTF.ext with func and line info, a symbol
/// table and a relocation. Tests mutate single fields through the offsets it records.
/// </summary>
public sealed class ObjectImage
{
    // Section indexes, type ids and symbol indexes of the image; tests refer to these by name.
    public const int SecProg = 1, SecRel = 2, SecMaps = 3, SecLicense = 4, SecBtf = 5, SecBtfExt = 6, SecSymtab = 7,
        SecStrtab = 8, SectionCount = 9;
    public const int TInt = 1, TIndex = 2, TTypeArray = 3, TTypePtr = 4, TEntriesArray = 5, TEntriesPtr = 6,
        TMapDef = 7, TMapVar = 8, TMapsSec = 9, TVoidPtr = 10, TProto = 11, TFunc = 12, TUInt = 13, TTypedef = 14,
        TConst = 15, TDeclTag = 16, TEnum = 17, TNode = 18, TNodePtr = 19, TKeyPtr = 20, TValuePtr = 21,
        TypeCount = 21;
    public const int SymMap = 3;

    private readonly Dictionary<int, int> _types = new();

    public byte[] Bytes { get; private set; } = Array.Empty<byte>();
    public bool BigEndian { get; private init; }
    public int SectionHeaders { get; private set; }
    public int BtfStringLength { get; private set; }
    public int ExtFuncRecord { get; private set; }
    public int ExtLineRecord { get; private set; }
    /// <summary>Offset of ".kconfig" in the .BTF strings, for tests that rename a DATASEC to it.</summary>
    public uint KconfigName { get; private set; }

    /// <summary>File offset of the record of BTF type id.</summary>
    public int Type(int id) => _types[id];

    public int SectionHeader(int index) => SectionHeaders + 64 * index;
    public int SectionOffset(int index) => (int)Read64(SectionHeader(index) + 24);
    public int Symbol(int index) => SectionOffset(SecSymtab) + 24 * index;

    public ObjectImage With(Action<ObjectImage> change)
    {
        var copy = new ObjectImage { BigEndian = BigEndian, Bytes = (byte[])Bytes.Clone() };
        copy.SectionHeaders = SectionHeaders;
        copy.BtfStringLength = BtfStringLength;
        copy.ExtFuncRecord = ExtFuncRecord;
        copy.ExtLineRecord = ExtLineRecord;
        copy.KconfigName = KconfigName;
        foreach (var t in _types) copy._types[t.Key] = t.Value;
        change(copy);
        return copy;
    }

    public void Truncate(int length) => Bytes = Bytes.AsSpan(0, length).ToArray();
    public void Write16(int at, ushort v) => Put(at, 2, v);
    public void Write32(int at, uint v) => Put(at, 4, v);
    public void Write64(int at, ulong v) => Put(at, 8, v);
    public uint Read32(int at) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(at))
        : BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(at));
    public ulong Read64(int at) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(Bytes.AsSpan(at))
        : BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(at));

    private void Put(int at, int width, ulong v)
    {
        for (int i = 0; i < width; i++)
            Bytes[at + (BigEndian ? width - 1 - i : i)] = (byte)(v >> (8 * i));
    }

    public static ObjectImage Build(bool bigEndian = false)
    {
        var img = new ObjectImage { BigEndian = bigEndian };
        var w = new Writer(bigEndian);
        var strs = new Strings();

        // ELF header first, patched at the end with the section header table's offset.
        w.Bytes(0x7f, (byte)'E', (byte)'L', (byte)'F', 2, bigEndian ? (byte)2 : (byte)1, 1, 0);
        w.Zeros(8);
        w.U16(1).U16(247).U32(1).U64(0).U64(0).U64(0).U32(0).U16(64).U16(0).U16(0).U16(64).U16(SectionCount)
            .U16(SecStrtab);

        var sec = new (uint Name, uint Type, ulong Flags, int Offset, int Size, uint Link, uint Info, ulong Align,
            ulong EntSize)[SectionCount];
        int Begin(int align) { w.Align(align); return w.Length; }

        // xdp: r1 = map (ld_imm64, relocated), r0 = 2, exit.
        int prog = Begin(8);
        w.Bytes(0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        w.Bytes(0xb7, 0, 0, 0).U32(2).Bytes(0x95, 0, 0, 0, 0, 0, 0, 0);
        sec[SecProg] = (strs.Add("xdp"), 1, 6, prog, w.Length - prog, 0, 0, 8, 0);

        int rel = Begin(8);
        w.U64(0).U64(((ulong)SymMap << 32) | 1);
        sec[SecRel] = (strs.Add(".relxdp"), 9, 0x40, rel, 16, SecSymtab, SecProg, 8, 16);

        int maps = Begin(8);
        w.Zeros(32);
        sec[SecMaps] = (strs.Add(".maps"), 1, 3, maps, 32, 0, 0, 8, 0);

        int license = Begin(1);
        w.Bytes((byte)'G', (byte)'P', (byte)'L', 0);
        sec[SecLicense] = (strs.Add("license"), 1, 3, license, 4, 0, 0, 1, 0);

        int btf = Begin(4);
        var (btfBytes, typeOffsets, strLen, names) = BuildBtf(bigEndian);
        w.Bytes(btfBytes);
        foreach (var t in typeOffsets) img._types[t.Key] = btf + t.Value;
        img.BtfStringLength = strLen;
        img.KconfigName = names[".kconfig"];
        sec[SecBtf] = (strs.Add(".BTF"), 1, 0, btf, btfBytes.Length, 0, 0, 4, 0);

        int ext = Begin(4);
        // Header (32 bytes), func_info at 0 (20 bytes), line_info at 20 (28 bytes), no CO-RE relocations.
        w.U16(0xeB9F).Bytes(1, 0).U32(32).U32(0).U32(20).U32(20).U32(28).U32(48).U32(0);
        w.U32(8).U32(names["xdp"]).U32(1);
        img.ExtFuncRecord = w.Length;
        w.U32(0).U32(TFunc);
        w.U32(16).U32(names["xdp"]).U32(1);
        img.ExtLineRecord = w.Length;
        w.U32(0).U32(names["file.c"]).U32(names["return 2;"]).U32((2 << 10) | 1);
        sec[SecBtfExt] = (strs.Add(".BTF.ext"), 1, 0, ext, w.Length - ext, 0, 0, 4, 0);

        int symtab = Begin(8);
        w.Zeros(24);
        Sym(w, 0, 3, SecProg, 0, 0);                                           // section symbol of xdp
        Sym(w, strs.Add("prog"), 0x12, SecProg, 0, 32);                        // global function
        Sym(w, strs.Add("counts"), 0x11, SecMaps, 0, 32);                      // global object: the map
        Sym(w, strs.Add("LICENSE"), 0x11, SecLicense, 0, 4);
        sec[SecSymtab] = (strs.Add(".symtab"), 2, 0, symtab, w.Length - symtab, SecStrtab, 2, 8, 24);

        uint strtabName = strs.Add(".strtab");
        int strtab = Begin(1);
        w.Bytes(strs.ToArray());
        sec[SecStrtab] = (strtabName, 3, 0, strtab, w.Length - strtab, 0, 0, 1, 0);

        img.SectionHeaders = Begin(8);
        foreach (var s in sec)
            w.U32(s.Name).U32(s.Type).U64(s.Flags).U64(0).U64((ulong)s.Offset).U64((ulong)s.Size).U32(s.Link)
                .U32(s.Info).U64(s.Align).U64(s.EntSize);
        img.Bytes = w.ToArray();
        img.Write64(40, (ulong)img.SectionHeaders);
        return img;
    }

    private static void Sym(Writer w, uint name, byte info, ushort shndx, ulong value, ulong size) =>
        w.U32(name).Bytes(info, 0).U16(shndx).U64(value).U64(size);

    private static (byte[] Bytes, Dictionary<int, int> Types, int StrLen, Dictionary<string, uint> Names)
        BuildBtf(bool bigEndian)
    {
        var s = new Strings();
        var t = new Writer(bigEndian);
        var at = new Dictionary<int, int>();
        int id = 0;
        Writer Rec(uint name, int kind, int vlen, uint sizeOrType, bool kindFlag = false)
        {
            at[++id] = t.Length;
            return t.U32(name).U32((uint)(kind << 24) | (uint)vlen | (kindFlag ? 1u << 31 : 0)).U32(sizeOrType);
        }

        Rec(s.Add("int"), 1, 0, 4).U32((1u << 24) | 32);                             // 1 INT int
        Rec(s.Add("__ARRAY_SIZE_TYPE__"), 1, 0, 4).U32(32);                           // 2 INT
        Rec(0, 3, 0, 0).U32(TInt).U32(TIndex).U32(2);                                 // 3 ARRAY int[2]: map type
        Rec(0, 2, 0, TTypeArray);                                                     // 4 PTR
        Rec(0, 3, 0, 0).U32(TInt).U32(TIndex).U32(4);                                 // 5 ARRAY int[4]: entries
        Rec(0, 2, 0, TEntriesArray);                                                  // 6 PTR
        Rec(0, 4, 4, 32).U32(s.Add("type")).U32(TTypePtr).U32(0)                      // 7 STRUCT map definition
            .U32(s.Add("max_entries")).U32(TEntriesPtr).U32(64)
            .U32(s.Add("key")).U32(TKeyPtr).U32(128).U32(s.Add("value")).U32(TValuePtr).U32(192);
        Rec(s.Add("counts"), 14, 0, TMapDef).U32(1);                                  // 8 VAR counts
        Rec(s.Add(".maps"), 15, 1, 0).U32(TMapVar).U32(0).U32(32);                    // 9 DATASEC .maps
        Rec(0, 2, 0, 0);                                                              // 10 PTR void
        Rec(0, 13, 1, TInt).U32(s.Add("ctx")).U32(TVoidPtr);                          // 11 FUNC_PROTO
        Rec(s.Add("prog"), 12, 1, TProto);                                            // 12 FUNC prog
        Rec(s.Add("unsigned int"), 1, 0, 4).U32(32);                                  // 13 INT
        Rec(s.Add("u32"), 8, 0, TUInt);                                               // 14 TYPEDEF u32
        Rec(0, 10, 0, TTypedef);                                                      // 15 CONST u32
        Rec(s.Add("tagged"), 17, 0, TMapDef).U32(0);                                  // 16 DECL_TAG member 0
        Rec(s.Add("color"), 6, 1, 4).U32(s.Add("RED")).U32(1);                        // 17 ENUM color
        Rec(s.Add("node"), 4, 1, 8).U32(s.Add("next")).U32(TNodePtr).U32(0);          // 18 STRUCT node
        Rec(0, 2, 0, TNode);                                                          // 19 PTR node
        Rec(0, 2, 0, TTypedef);                                                       // 20 PTR u32: map key
        Rec(0, 2, 0, TInt);                                                           // 21 PTR int: map value

        var names = new Dictionary<string, uint>
        {
            ["xdp"] = s.Add("xdp"), ["file.c"] = s.Add("file.c"), ["return 2;"] = s.Add("return 2;"),
            [".kconfig"] = s.Add(".kconfig"),
        };
        byte[] strings = s.ToArray();
        byte[] types = t.ToArray();
        var h = new Writer(bigEndian);
        h.U16(0xeB9F).Bytes(1, 0).U32(24).U32(0).U32((uint)types.Length).U32((uint)types.Length)
            .U32((uint)strings.Length).Bytes(types).Bytes(strings);
        foreach (int k in new List<int>(at.Keys)) at[k] += 24;
        return (h.ToArray(), at, strings.Length, names);
    }

    /// <summary>A string table: offset 0 is the empty string, each added string is NUL-terminated.</summary>
    private sealed class Strings
    {
        private readonly List<byte> _bytes = new() { 0 };
        private readonly Dictionary<string, uint> _seen = new();

        public uint Add(string text)
        {
            if (_seen.TryGetValue(text, out uint at)) return at;
            at = (uint)_bytes.Count;
            _bytes.AddRange(Encoding.ASCII.GetBytes(text));
            _bytes.Add(0);
            _seen[text] = at;
            return at;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }

    private sealed class Writer
    {
        private readonly List<byte> _bytes = new();
        private readonly bool _big;

        public Writer(bool bigEndian) => _big = bigEndian;

        public int Length => _bytes.Count;
        public byte[] ToArray() => _bytes.ToArray();
        public Writer Bytes(params byte[] b) { _bytes.AddRange(b); return this; }
        public Writer Zeros(int n) { for (int i = 0; i < n; i++) _bytes.Add(0); return this; }
        public void Align(int n) { while (_bytes.Count % n != 0) _bytes.Add(0); }
        public Writer U16(ushort v) => Int(v, 2);
        public Writer U32(uint v) => Int(v, 4);
        public Writer U64(ulong v) => Int(v, 8);

        private Writer Int(ulong v, int width)
        {
            for (int i = 0; i < width; i++)
                _bytes.Add((byte)(v >> (8 * (_big ? width - 1 - i : i))));
            return this;
        }
    }
}
