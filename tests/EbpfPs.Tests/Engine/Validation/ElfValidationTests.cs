using System;
using System.Collections.Generic;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Validation;
using Xunit;
using static EbpfPs.Tests.Engine.Validation.ObjectImage;

namespace EbpfPs.Tests.Engine.Validation;

/// <summary>ObjectFileValidator on a hand-built object and on single-field corruptions of its ELF structure.</summary>
public class ElfValidationTests
{
    private static readonly ObjectImage Valid = Build();

    internal static void AssertRejected(ObjectImage image, string expected)
    {
        var e = Assert.Throws<BpfException>(() => ObjectFileValidator.Validate(image.Bytes, "test.o"));
        Assert.Equal("InvalidBpfObject", e.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidData, e.Kind);
        Assert.Equal("test.o", e.Target);
        Assert.StartsWith("'test.o' is not a well-formed BPF object: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TheHandBuiltObjectPasses() => ObjectFileValidator.Validate(Valid.Bytes, "test.o");

    [Fact]
    public void ABigEndianObjectParsesButIsRefusedOnThisLittleEndianMachine()
    {
        ObjectImage big = Build(bigEndian: true);
        ObjectFileValidator.Check(big.Bytes, hostOrderOnly: false);
        Assert.True(BitConverter.IsLittleEndian, "these tests assume a little-endian host");
        AssertRejected(big, "built for big-endian BPF (bpfeb)");
    }

    public static IEnumerable<object[]> Corruptions() => new List<object[]>
    {
        Case("a short file", i => i.With(x => x.Truncate(40)), "shorter than an ELF64 header"),
        Case("32-bit class", i => i.With(x => x.Bytes[4] = 1), "ELF class 1 is not ELFCLASS64"),
        Case("unknown byte order", i => i.With(x => x.Bytes[5] = 3), "neither little"),
        Case("an executable", i => i.With(x => x.Write16(16, 2)), "ELF type 2 is not ET_REL"),
        Case("an x86-64 object", i => i.With(x => x.Write16(18, 62)), "ELF machine 62 is not EM_BPF (247)"),
        Case("section header size", i => i.With(x => x.Write16(58, 40)), "section header entry size 40"),
        Case("header size", i => i.With(x => x.Write16(52, 52)), "ELF header size 52"),
        Case("section table past the end", i => i.With(x => x.Write64(40, (ulong)x.Bytes.Length - 100)),
            "The section header table (offset"),
        Case("section count past the end", i => i.With(x => x.Write16(60, 200)), "runs past the end of the file"),
        Case("section count reserved", i => i.With(x => x.Write16(60, 0xff10)), "in the reserved range"),
        Case("name table index", i => i.With(x => x.Write16(62, 50)), "section-name table index 50"),
        Case("name table type", i => i.With(x => x.Write16(62, SecBtf)), "has type 1, not SHT_STRTAB"),
        Case("section size", i => i.With(x => x.Write64(x.SectionHeader(SecBtf) + 32, 1_000_000)),
            "Section 5 (type 1) (offset"),
        Case("section offset overflow", i => i.With(x => x.Write64(x.SectionHeader(SecBtf) + 24, ulong.MaxValue - 4)),
            "runs past the end of the file"),
        Case("section name offset", i => i.With(x => x.Write32(x.SectionHeader(SecLicense), 9999)),
            "Section 4's name offset 9999"),
        Case("unterminated names", i => i.With(x =>
            x.Bytes[x.SectionOffset(SecStrtab) + (int)x.Read64(x.SectionHeader(SecStrtab) + 32) - 1] = (byte)'x'),
            "not NUL-terminated"),
        Case("two .BTF sections",
            i => i.With(x => x.Write32(x.SectionHeader(SecLicense), x.Read32(x.SectionHeader(SecBtf)))),
            "Sections 4 and 5 are both named '.BTF'"),
        Case("no symbol table", i => i.With(x => x.Write32(x.SectionHeader(SecSymtab) + 4, 1)), "no symbol table"),
        Case("symbol entry size", i => i.With(x => x.Write64(x.SectionHeader(SecSymtab) + 56, 16)), "entry size 16"),
        Case("symbol names table", i => i.With(x => x.Write32(x.SectionHeader(SecSymtab) + 40, SecBtf)),
            "links to section 5, which is not a string table"),
        Case("symbol section", i => i.With(x => x.Write16(x.Symbol(SymMap) + 6, 200)),
            "Symbol #3 'counts' is in section 200, but there are 9 sections"),
        Case("symbol name", i => i.With(x => x.Write32(x.Symbol(SymMap), 5000)), "Symbol #3's name offset 5000"),
        Case("symbol extent", i => i.With(x => x.Write64(x.Symbol(SymMap) + 8, 1000)),
            "Symbol #3 'counts' at offset 1000, size 32 runs past '.maps' (section 3)"),
        Case("relocation symbol", i => i.With(x => x.Write64(x.SectionOffset(SecRel) + 8, (99UL << 32) | 1)),
            "Relocation #0 of '.relxdp' (section 2) names symbol #99, but there are 5"),
        Case("relocation offset", i => i.With(x => x.Write64(x.SectionOffset(SecRel), 4096)),
            "at offset 4096, past 'xdp' (section 1) (32 bytes)"),
        Case("relocation inside an instruction", i => i.With(x => x.Write64(x.SectionOffset(SecRel), 4)),
            "points at offset 4, not a whole instruction"),
        Case("relocation on a cut 64-bit load", i => i.With(x =>
        {
            x.Write64(x.SectionOffset(SecRel), 24);
            x.Bytes[x.SectionOffset(SecProg) + 24] = 0x18;
        }), "points at offset 24, not a whole instruction"),
        Case("relocation symbol table", i => i.With(x => x.Write32(x.SectionHeader(SecRel) + 40, SecMaps)),
            "links to section 3, not the symbol table (7)"),
        Case("relocation target", i => i.With(x => x.Write32(x.SectionHeader(SecRel) + 44, 77)),
            "applies to section 77, which does not exist"),
        Case(".BTF of the wrong type", i => i.With(x => x.Write32(x.SectionHeader(SecBtf) + 4, 7)),
            "'.BTF' (section 5) has type 7, not SHT_PROGBITS"),
    };

    private static object[] Case(string name, Func<ObjectImage, ObjectImage> corrupt, string expected) =>
        new object[] { name, corrupt(Valid), expected };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void EachCorruptionIsNamed(string name, ObjectImage image, string expected)
    {
        Assert.NotNull(name);
        AssertRejected(image, expected);
    }

    [Fact]
    public void EveryTruncationIsRefusedNeverThrowsAnythingElse()
    {
        for (int length = 0; length < Valid.Bytes.Length; length++)
        {
            byte[] cut = Valid.Bytes.AsSpan(0, length).ToArray();
            Assert.Throws<InvalidObjectException>(() => ObjectFileValidator.Check(cut));
        }
    }

    [Fact]
    public void EverySingleByteChangeIsAcceptedOrRefusedWithAReason()
    {
        foreach (ObjectImage image in new[] { Valid, Build(bigEndian: true) })
        {
            byte[] bytes = image.Bytes;
            for (int at = 0; at < bytes.Length; at++)
            {
                byte original = bytes[at];
                foreach (byte value in new byte[] { 0, 0xff, (byte)(original ^ 0x80), (byte)(original + 1) })
                {
                    bytes[at] = value;
                    try
                    {
                        ObjectFileValidator.Check(bytes, hostOrderOnly: false);
                    }
                    catch (InvalidObjectException)
                    {
                    }
                }
                bytes[at] = original;
            }
        }
    }
}
