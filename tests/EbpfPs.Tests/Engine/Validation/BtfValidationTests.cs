using System;
using System.Collections.Generic;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Validation;
using Xunit;
using static EbpfPs.Tests.Engine.Validation.ObjectImage;

namespace EbpfPs.Tests.Engine.Validation;

/// <summary>
/// The .BTF and .BTF.ext checks, each on one corrupted field of the hand-built object. The first cases are the
/// ones that crashed or hung libbpf 1.1: type ids out of range in a map definition, and a typedef loop.
/// </summary>
public class BtfValidationTests
{
    private static readonly ObjectImage Valid = Build();
    private const string Btf = "BTF section '.BTF' (section 5)";
    private const string Ext = "BTF.ext section '.BTF.ext' (section 6)";

    private static int BtfAt(ObjectImage x) => x.SectionOffset(SecBtf);
    private static int TypeLen(ObjectImage x) => (int)x.Read32(BtfAt(x) + 12);
    private static int ExtAt(ObjectImage x) => x.SectionOffset(SecBtfExt);
    // Byte offsets inside a type record: name, info, size-or-type, then the kind's tail words.
    private static void SetRef(ObjectImage x, int id, uint target) => x.Write32(x.Type(id) + 8, target);
    private static void SetTail(ObjectImage x, int id, int word, uint value) =>
        x.Write32(x.Type(id) + 12 + 4 * word, value);
    private static void SetInfo(ObjectImage x, int id, uint info) => x.Write32(x.Type(id) + 4, info);

    public static IEnumerable<object[]> Corruptions() => new List<object[]>
    {
        Case("map definition member out of range", x => SetTail(x, TMapDef, 1, TypeCount + 1),
            $"{Btf}: type [7] STRUCT member #0 refers to type [22], but the last type is [21]."),
        Case("map VAR out of range", x => SetRef(x, TMapVar, uint.MaxValue),
            "type [8] VAR 'counts' type refers to type [4294967295], but the last type is [21]"),
        Case("map VAR through a typedef that names itself",
            x => { SetRef(x, TMapVar, TTypedef); SetRef(x, TTypedef, TTypedef); },
            "type [14] contains itself through [14] TYPEDEF -> [14]"),
        Case("qualifier loop", x => SetRef(x, TTypedef, TConst),
            "type [14] contains itself through [14] TYPEDEF -> [15] CONST -> [14]"),
        Case("struct containing itself", x => SetTail(x, TNode, 1, TNode),
            "type [18] contains itself through [18] STRUCT"),
        Case("array of itself", x => SetTail(x, TTypeArray, 0, TTypeArray),
            "type [3] contains itself through [3] ARRAY"),
        Case("pointer to itself", x => SetRef(x, TNodePtr, TNodePtr),
            "type [19] points back to itself through [19] PTR"),
        Case("pointer loop through qualifiers", x => { SetRef(x, TVoidPtr, TConst); SetRef(x, TUInt + 1, TVoidPtr); },
            "points back to itself through [10] PTR -> [15] CONST -> [14] TYPEDEF -> [10]"),
        Case("magic", x => x.Write16(BtfAt(x), 0x1234), $"{Btf} does not start with the BTF magic 0xeb9f"),
        Case("version", x => x.Bytes[BtfAt(x) + 2] = 2, "has BTF version 2"),
        Case("flags", x => x.Bytes[BtfAt(x) + 3] = 1, "has BTF flags 0x01"),
        Case("header length", x => x.Write32(BtfAt(x) + 4, 10_000), "has a BTF header length of 10000"),
        Case("header tail", x => x.Write32(BtfAt(x) + 4, 28),
            "non-zero bytes in the unknown tail of its 28-byte BTF header"),
        Case("type section alignment", x => x.Write32(BtfAt(x) + 8, 2),
            "the type section offset 2 is not 4-byte aligned"),
        Case("type section length", x => x.Write32(BtfAt(x) + 12, 1_000_000),
            "the type section (offset 0, length 1000000) runs past"),
        Case("sections overlap", x => x.Write32(BtfAt(x) + 16, 8), "overlaps or follows the string section at 8"),
        Case("string section length", x => x.Write32(BtfAt(x) + 20, 1_000_000), "the string section (offset"),
        Case("empty string section", x => x.Write32(BtfAt(x) + 20, 0),
            "must start with an empty string and end with a NUL"),
        Case("unterminated strings", x => x.Bytes[BtfAt(x) + 24 + TypeLen(x) + x.BtfStringLength - 1] = (byte)'x',
            "must start with an empty string and end with a NUL"),
        Case("unknown kind", x => SetInfo(x, TUInt, 25u << 24),
            "type [13] has unknown kind 25 (known kinds are 1 to 19)"),
        Case("kind 0 record", x => SetInfo(x, TUInt, 0), "type [13] has unknown kind 0"),
        Case("record past the end", x => SetInfo(x, TNode, (4u << 24) | 60000),
            "type [18] (STRUCT, vlen 60000) needs 720012 bytes"),
        Case("reserved info bits", x => SetInfo(x, TUInt, (1u << 24) | (1u << 20)), "type [13] has reserved bits set"),
        Case("vlen on a pointer", x => SetInfo(x, TNodePtr, (2u << 24) | 3),
            "type [19] PTR has vlen 3, but PTR types have no members"),
        Case("type name", x => x.Write32(x.Type(TUInt), 100_000),
            "type [13] INT has name offset 100000, past the string section"),
        Case("member name", x => SetTail(x, TNode, 0, 100_000),
            "type [18] STRUCT 'node' has member #0 name offset 100000"),
        Case("enumerator name", x => SetTail(x, TEnum, 0, 100_000),
            "type [17] ENUM 'color' has enumerator #0 name offset 100000"),
        Case("parameter type", x => SetTail(x, TProto, 1, 99), "type [11] FUNC_PROTO parameter #0 refers to type [99]"),
        Case("void parameter with a name", x => SetTail(x, TProto, 1, 0), "parameter #0 refers to void"),
        Case("array element void", x => SetTail(x, TTypeArray, 0, 0), "type [3] ARRAY element type refers to void"),
        Case("array index out of range", x => SetTail(x, TEntriesArray, 1, 50),
            "type [5] ARRAY index type refers to type [50]"),
        Case("member is a function", x => SetTail(x, TNode, 1, TFunc),
            "member #0 refers to type [12], a FUNC, which is not a data type"),
        Case("typedef of a variable", x => SetRef(x, TTypedef, TMapVar),
            "type [14] TYPEDEF 'u32' target refers to type [8], a VAR"),
        Case("function without prototype", x => SetRef(x, TFunc, TInt),
            "type [12] FUNC 'prog' has type [1] (INT) as prototype"),
        Case("function linkage", x => SetInfo(x, TFunc, (12u << 24) | 5), "type [12] FUNC 'prog' has linkage 5"),
        Case("variable linkage", x => SetTail(x, TMapVar, 0, 9), "type [8] VAR 'counts' has linkage 9"),
        Case("section entry not a variable", x => SetTail(x, TMapsSec, 0, TInt),
            "type [9] DATASEC '.maps' entry #0 refers to type [1] (INT), not a VAR"),
        Case("section entry past its size", x => SetRef(x, TMapsSec, 8),
            "entry #0 (offset 0, size 32) runs past the section's size 8"),
        Case("tag component", x => SetTail(x, TDeclTag, 0, 7),
            "type [16] DECL_TAG 'tagged' tags component 7 of type [7] (STRUCT), which has 4"),
        Case("tag on an int", x => SetRef(x, TDeclTag, TInt),
            "type [16] DECL_TAG 'tagged' tags type [1] (INT); only structs"),
        Case("maps without their DATASEC", x => x.Write32(x.Type(TMapsSec), x.Read32(x.Type(TFunc))),
            "map definitions in '.maps' (section 3) have no BTF DATASEC '.maps'"),
        Case(".BTF.ext without .BTF", x => x.Write32(x.SectionHeader(SecBtf), x.Read32(x.SectionHeader(SecProg))),
            "has '.BTF.ext' (section 6) but no .BTF section"),
        Case("ext magic in the other order", x => x.Write16(ExtAt(x), 0x9feb),
            $"{Ext} is in the other byte order than .BTF"),
        Case("ext header length", x => x.Write32(ExtAt(x) + 4, 8), "has a header length of 8"),
        Case("ext subsection past the end", x => x.Write32(ExtAt(x) + 12, 4000),
            $"{Ext} func_info (offset 0, length 4000) runs past"),
        Case("ext record size", x => x.Write32(ExtAt(x) + 32, 4), $"{Ext} func_info has record size 4"),
        Case("ext record count", x => x.Write32(ExtAt(x) + 40, 5),
            $"{Ext} func_info block #0 claims 5 records of 8 bytes; 8 bytes are left"),
        Case("ext section name", x => x.Write32(ExtAt(x) + 36, 70_000),
            "func_info block #0 has section name offset 70000"),
        Case("func_info type", x => x.Write32(x.ExtFuncRecord + 4, TInt),
            "func_info block #0 record #0 refers to type [1], which is not a FUNC"),
        Case("func_info instruction", x => x.Write32(x.ExtFuncRecord, 3),
            "func_info block #0 record #0 has instruction offset 3"),
        Case("line_info file name", x => x.Write32(x.ExtLineRecord + 4, 70_000),
            "line_info block #0 record #0 has file name offset 70000"),
    };

    private static object[] Case(string name, Action<ObjectImage> corrupt, string expected) =>
        new object[] { name, Valid.With(corrupt), expected };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void EachCorruptionIsNamed(string name, ObjectImage image, string expected)
    {
        Assert.NotNull(name);
        ElfValidationTests.AssertRejected(image, expected);
    }

    [Fact]
    public void VarargsPointersToSelfAndZeroSizedSectionsAreLegal()
    {
        // A nameless void last parameter is C's "...": legal. The valid image already has a struct pointing to
        // itself through a pointer, a DATASEC of size 0 (clang's), a tag on a member and a const typedef.
        ObjectImage varargs = Valid.With(x => { SetTail(x, TProto, 0, 0); SetTail(x, TProto, 1, 0); });
        ObjectFileValidator.Validate(varargs.Bytes, "test.o");
    }

    [Fact]
    public void NestingIsBoundedAndCheckedWithoutRecursion()
    {
        // A typedef chain as deep as allowed passes; one level more, or 200,000 (deep enough to overflow any
        // recursive walk), is refused, by a check that does not recurse itself.
        BtfValidator.Check(Chain(BtfValidator.MaxNesting), "chain");
        foreach (int levels in new[] { BtfValidator.MaxNesting + 1, 200_000 })
        {
            var e = Assert.Throws<InvalidObjectException>(() => BtfValidator.Check(Chain(levels), "chain"));
            Assert.Contains("levels deep", e.Message);
        }
    }

    [Fact]
    public void SharedTypesAreVisitedOnce()
    {
        // 1,000 levels of structs with two members of the next struct: 2^1000 paths, which a walker that
        // revisits shared types (as libbpf's btf__align_of does) never finishes; the check is linear.
        const int levels = 1000;
        var blob = Header(out var u32, levels * 36 + 16);
        for (uint id = 1; id < levels; id++)
        {
            u32(1); u32((4u << 24) | 2); u32(8);                 // STRUCT "a", two members, size 8
            u32(1); u32(id + 1); u32(0); u32(1); u32(id + 1); u32(32);
        }
        u32(1); u32((4u << 24) | 2); u32(8);
        u32(1); u32(levels + 1); u32(0); u32(1); u32(levels + 1); u32(32);
        u32(1); u32(1u << 24); u32(4); u32(32);                  // INT "a"
        BtfValidator.Check(Finish(blob), "dag");
    }

    [Fact]
    public void KconfigExternsMayNotContainStructs()
    {
        // libbpf 1.1 runs btf__align_of over a .kconfig extern's type before refusing structs; see above.
        ObjectImage struct_ = Valid.With(x => x.Write32(x.Type(TMapsSec), x.KconfigName));
        var e = Assert.Throws<InvalidObjectException>(() => ObjectFileValidator.Check(struct_.Bytes));
        Assert.Contains("type [8] VAR 'counts' is a .kconfig extern of a type with a STRUCT in it (type [7])", e.Message);
        ObjectImage integer = struct_.With(x => SetRef(x, TMapVar, TTypedef));
        e = Assert.Throws<InvalidObjectException>(() => ObjectFileValidator.Check(integer.Bytes));
        Assert.Contains("no BTF DATASEC '.maps'", e.Message); // the BTF passed; only the map section lost its DATASEC
    }

    private static BtfImage Chain(int levels)
    {
        // levels - 1 typedefs, each naming the next, then an int: nesting of exactly levels.
        var blob = Header(out var u32, 12 * (levels - 1) + 16);
        for (uint id = 1; id < levels; id++)
        {
            u32(1); u32(8u << 24); u32(id + 1);
        }
        u32(1); u32(1u << 24); u32(4); u32(32);
        return Finish(blob);
    }

    private static List<byte> Header(out Action<uint> u32, int typeLength)
    {
        var blob = new List<byte>();
        u32 = v => blob.AddRange(BitConverter.GetBytes(v));
        u32(0x0001eB9F); u32(24); u32(0); u32((uint)typeLength); u32((uint)typeLength); u32(3);
        return blob;
    }

    private static BtfImage Finish(List<byte> blob)
    {
        blob.AddRange(new byte[] { 0, (byte)'a', 0 });
        byte[] bytes = blob.ToArray();
        return BtfImage.Parse(bytes, 0, bytes.Length, "test");
    }
}
