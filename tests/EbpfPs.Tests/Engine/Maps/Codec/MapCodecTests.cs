using System.Collections.Generic;
using System.Collections.Specialized;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps.Codec;

/// <summary>The BTF codecs on hand-built type trees: no kernel needed.</summary>
public class MapCodecTests
{
    private static BtfType Int(string name, uint size, bool signed = false) =>
        new() { Kind = BtfKind.Int, Name = name, Size = size, Encoding = signed ? BtfIntEncoding.Signed
            : BtfIntEncoding.None, IntBits = (int)size * 8 };

    private static BtfType Typedef(string name, BtfType target) =>
        new() { Kind = BtfKind.Typedef, Name = name, Target = target, Size = target.Size };

    private static BtfType Struct(string name, params (string Name, BtfType Type, uint BitOffset,
        uint BitSize)[] members)
    {
        var s = new BtfType { Kind = BtfKind.Struct, Name = name };
        s.Members.AddRange(members);
        uint end = 0;
        foreach (var m in members) end = System.Math.Max(end, m.BitOffset / 8
            + (m.BitSize == 0 ? m.Type.Size : (m.BitSize + 7) / 8));
        s.Size = (end + 3) & ~3u;
        return s;
    }

    private static readonly BtfType Be32 = Typedef("__be32", Typedef("__u32", Int("unsigned int", 4)));
    private static readonly BtfType U64 = Typedef("__u64", Int("unsigned long long", 8));

    [Fact]
    public void AddressFieldsReadAsIpv4AndRoundTrip()
    {
        BtfType key = Struct("ip_pair", ("src", Be32, 0, 0), ("dst", Be32, 32, 0));
        MapCodec codec = MapCodec.Build(key, "key", networkFormat: true);
        byte[] bytes = { 198, 18, 1, 1, 198, 18, 2, 1 };
        var decoded = (System.Collections.IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal("198.18.1.1", decoded["src"]);
        Assert.Equal("198.18.2.1", decoded["dst"]);
        byte[] again = new byte[8];
        codec.Encode(decoded, again, 0, "key");
        Assert.Equal(bytes, again);
    }

    [Fact]
    public void WithoutTheNetworkRuleBigEndianReadsInHostOrder()
    {
        MapCodec codec = MapCodec.Build(Struct("k", ("src", Be32, 0, 0)), "key", networkFormat: false);
        var decoded = (System.Collections.IDictionary)codec.Decode(new byte[] { 0, 0, 1, 2 }, 0)!;
        Assert.Equal(0x0102u, decoded["src"]);
    }

    [Fact]
    public void BitfieldsAndEnumsDecodeAndEncode()
    {
        var kind = new BtfType { Kind = BtfKind.Enum, Name = "kind", Size = 4 };
        kind.Enumerators.Add(("RED", 1));
        kind.Enumerators.Add(("BLUE", 7));
        BtfType u16 = Int("unsigned short", 2);
        BtfType s = Struct("s", ("k", kind, 0, 0), ("low", u16, 32, 4), ("high", u16, 36, 12));
        MapCodec codec = MapCodec.Build(s, "value", true);
        var value = new OrderedDictionary { ["k"] = "BLUE", ["low"] = 9, ["high"] = 1000 };
        byte[] bytes = new byte[s.Size];
        codec.Encode(value, bytes, 0, "value");
        var back = (System.Collections.IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal("BLUE", back["k"]);
        Assert.Equal(9ul, back["low"]);
        Assert.Equal(1000ul, back["high"]);
    }

    [Theory]
    [InlineData("MissingField")]
    [InlineData("UnknownField")]
    [InlineData("ValueOutOfRange")]
    public void BadValuesNameTheField(string errorId)
    {
        BtfType s = Struct("datarec", ("packets", U64, 0, 0), ("small", Int("unsigned char", 1), 64, 0));
        MapCodec codec = MapCodec.Build(s, "value", true);
        var value = errorId switch
        {
            "MissingField" => new OrderedDictionary { ["packets"] = 1 },
            "UnknownField" => new OrderedDictionary { ["packets"] = 1, ["small"] = 1, ["bytes"] = 2 },
            _ => new OrderedDictionary { ["packets"] = 1, ["small"] = 256 },
        };
        var e = Assert.Throws<BpfException>(() => codec.Encode(value, new byte[s.Size], 0, "value"));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains(errorId == "UnknownField" ? "bytes" : "small", e.Message);
    }

    [Fact]
    public void PerCpuSumsAddNumbersFieldByFieldAndKeepText()
    {
        var cpus = new List<object?>
        {
            new OrderedDictionary { ["packets"] = 3ul, ["name"] = "a" },
            new OrderedDictionary { ["packets"] = 4ul, ["name"] = "b" },
        };
        var sum = (System.Collections.IDictionary)BpfMap.Sum(cpus)!;
        Assert.Equal(7ul, sum["packets"]);
        Assert.Equal("a", sum["name"]);
    }

    [Fact]
    public void CounterStructsAreSummedInPlace()
    {
        BtfType counters = Struct("datarec", ("packets", U64, 0, 0), ("bytes", U64, 64, 0));
        Assert.Equal(new[] { 0, 8 }, MapCodec.Build(counters, "value", true).SumOffsets);
        BtfType mixed = Struct("m", ("packets", U64, 0, 0), ("small", Int("unsigned int", 4), 64, 0));
        Assert.Null(MapCodec.Build(mixed, "value", true).SumOffsets);
    }

    [Fact]
    public void SignedAndEnumBitfieldsReadAsNumbersWithSignAndAsNames()
    {
        var kind = new BtfType { Kind = BtfKind.Enum, Name = "kind", Size = 4 };
        kind.Enumerators.Add(("SQUARE", 7));
        BtfType s8 = Int("signed char", 1, signed: true);
        BtfType s = Struct("bits", ("small", s8, 0, 4), ("k", kind, 4, 3));
        MapCodec codec = MapCodec.Build(s, "value", true);
        byte[] bytes = new byte[s.Size];
        codec.Encode(new OrderedDictionary { ["small"] = -3, ["k"] = "SQUARE" }, bytes, 0, "value");
        Assert.Equal(0x0d | 7 << 4, bytes[0]);
        var back = (System.Collections.IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal(-3L, back["small"]);
        Assert.Equal("SQUARE", back["k"]);
        var e = Assert.Throws<BpfException>(() => codec.Encode(new OrderedDictionary { ["small"] = 8, ["k"] = 0 },
            new byte[s.Size], 0, "value"));
        Assert.Equal("ValueOutOfRange", e.ErrorId);
    }

    [Fact]
    public void A64BitBitfieldOffAByteBoundarySpansNineBytes()
    {
        BtfType s = Struct("w", ("low", U64, 0, 4), ("wide", U64, 4, 64));
        s.Size = 16;
        MapCodec codec = MapCodec.Build(s, "value", true);
        byte[] bytes = new byte[16];
        codec.Encode(new OrderedDictionary { ["low"] = 0xa, ["wide"] = 0xf123456789abcdefUL }, bytes, 0, "value");
        var back = (System.Collections.IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal(0xaUL, back["low"]);
        Assert.Equal(0xf123456789abcdefUL, back["wide"]);
        Assert.Equal(0x0f, bytes[8]);
    }

    [Fact]
    public void OlderBtfBitfieldsComeFromTheIntsOwnBitCount()
    {
        // Without kind_flag the member has no bit size; the int type says it is 3 bits wide.
        var three = new BtfType { Kind = BtfKind.Int, Name = "unsigned int", Size = 4, IntBits = 3 };
        BtfType s = Struct("old", ("a", three, 0, 0), ("b", three, 3, 0));
        s.Size = 4;
        MapCodec codec = MapCodec.Build(s, "value", true);
        var back = (System.Collections.IDictionary)codec.Decode(new byte[] { 0b101_011, 0, 0, 0 }, 0)!;
        Assert.Equal(3UL, back["a"]);
        Assert.Equal(5UL, back["b"]);
    }

    [Fact]
    public void UnsignedEnumsTakeTheirWholeRangeAndRefuseNegativeNumbers()
    {
        var e = new BtfType { Kind = BtfKind.Enum, Name = "e", Size = 4 };
        e.Enumerators.Add(("TOP", 0xffffffffL));
        MapCodec codec = MapCodec.Build(e, "value", true);
        byte[] bytes = new byte[4];
        codec.Encode("TOP", bytes, 0, "value");
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, bytes);
        // -1 would be stored as all ones, a value the caller did not name (issue 19): refused like 2^32.
        BpfException negative = Assert.Throws<BpfException>(() => codec.Encode(-1, bytes, 0, "value"));
        Assert.Equal("ValueOutOfRange", negative.ErrorId);
        Assert.Contains("TOP", negative.Message);
        Assert.Equal("ValueOutOfRange", Assert.Throws<BpfException>(() =>
            codec.Encode(0x1_0000_0000L, bytes, 0, "value")).ErrorId);
    }

    [Fact]
    public void MapsWithoutBtfShowHexAndTakeItBack()
    {
        MapCodec raw = MapCodec.Raw(6);
        byte[] bytes = { 1, 2, 3, 0xa, 0xb, 0xff };
        Assert.True(raw.IsRaw);
        Assert.Equal("0102030a0bff", raw.Decode(bytes, 0));
        byte[] again = new byte[6];
        raw.Encode("0102030a0bff", again, 0, "value");
        Assert.Equal(bytes, again);
        Assert.Equal("WrongSize", Assert.Throws<BpfException>(() => raw.Encode("0102", again, 0, "value")).ErrorId);
        // 4 bytes read as a number, so a string of digits is a number too.
        byte[] four = new byte[4];
        MapCodec.Raw(4).Encode("12345678", four, 0, "value");
        Assert.Equal(12345678u, System.BitConverter.ToUInt32(four));
    }

    [Fact]
    public void FractionsAreNotIntegers()
    {
        MapCodec codec = MapCodec.Build(U64, "value", true);
        Assert.Equal("WrongShape", Assert.Throws<BpfException>(() =>
            codec.Encode(1.5, new byte[8], 0, "value")).ErrorId);
    }
}
