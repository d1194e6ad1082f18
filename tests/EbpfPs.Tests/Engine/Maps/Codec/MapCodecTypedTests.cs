using System;
using System.Collections;
using System.Collections.Specialized;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps.Codec;

/// <summary>
/// Values by BTF type (issue 19): addresses by type not name, one text for in6_addr's union, every printed form
/// taken back, guesses refused; and a property test over every kind the codec knows. Pester checks the same
/// fields against bpftool on a real map (Set-BpfMapEntry.Values.Tests.ps1).
/// </summary>
public class MapCodecTypedTests
{
    private static BtfType Int(string name, uint size, BtfIntEncoding encoding = BtfIntEncoding.None, int bits = 0) =>
        new() { Kind = BtfKind.Int, Name = name, Size = size, Encoding = encoding, IntBits = bits == 0 ? (int)size * 8
            : bits };

    private static BtfType Typedef(string name, BtfType target) =>
        new() { Kind = BtfKind.Typedef, Name = name, Target = target, Size = target.Size };

    private static BtfType Array(BtfType element, uint count) =>
        new() { Kind = BtfKind.Array, Target = element, ArrayLength = count, Size = element.Size * count };

    private static BtfType Record(BtfKind kind, string name, uint size,
        params (string Name, BtfType Type, uint BitOffset, uint BitSize)[] members)
    {
        var s = new BtfType { Kind = kind, Name = name, Size = size };
        s.Members.AddRange(members);
        return s;
    }

    private static readonly BtfType U8 = Typedef("__u8", Int("unsigned char", 1));
    private static readonly BtfType Be16 = Typedef("__be16", Typedef("__u16", Int("unsigned short", 2)));
    private static readonly BtfType Be32 = Typedef("__be32", Typedef("__u32", Int("unsigned int", 4)));
    private static readonly BtfType Be64 = Typedef("__be64", Typedef("__u64", Int("unsigned long long", 8)));
    private static readonly BtfType InAddr = Record(BtfKind.Struct, "in_addr", 4, ("s_addr", Be32, 0, 0));
    private static readonly BtfType In6Addr = Record(BtfKind.Struct, "in6_addr", 16, ("in6_u",
        Record(BtfKind.Union, "", 16, ("u6_addr8", Array(U8, 16), 0, 0), ("u6_addr16", Array(Be16, 8), 0, 0),
            ("u6_addr32", Array(Be32, 4), 0, 0)), 0, 0));

    private static byte[] Encode(MapCodec codec, object? value)
    {
        byte[] bytes = new byte[codec.Size];
        codec.Encode(value, bytes, 0, "value");
        return bytes;
    }

    [Theory]
    [InlineData("ux_stats")]
    [InlineData("ux_src_stats")]
    [InlineData("")]
    public void ABe32ReadsAsAnAddressWhateverItIsCalled(string name)
    {
        MapCodec codec = MapCodec.Build(Be32, name, networkFormat: true);
        Assert.Equal("198.18.0.1", codec.Decode(new byte[] { 198, 18, 0, 1 }, 0));
        Assert.Equal(new byte[] { 198, 18, 0, 1 }, Encode(codec, "198.18.0.1"));
        MapCodec numbers = MapCodec.Build(Be32, name, networkFormat: false);
        Assert.Equal(3323068417u, numbers.Decode(new byte[] { 198, 18, 0, 1 }, 0));
    }

    [Fact]
    public void ABe16ReadsAsItsHostOrderNumber()
    {
        MapCodec codec = MapCodec.Build(Be16, "src_port", networkFormat: true);
        Assert.Equal((ushort)8080, codec.Decode(new byte[] { 0x1f, 0x90 }, 0));
        Assert.Equal(new byte[] { 0x1f, 0x90 }, Encode(codec, 8080));
    }

    [Fact]
    public void In6AddrIsOneAddressWhicheverUnionView()
    {
        MapCodec codec = MapCodec.Build(In6Addr, "", networkFormat: true);
        byte[] bytes = System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes();
        Assert.Equal("2001:db8::1", codec.Decode(bytes, 0));
        Assert.Equal(bytes, Encode(codec, "2001:db8::1"));
        var raw = (IDictionary)((IDictionary)MapCodec.Build(In6Addr, "", false).Decode(bytes, 0)!)["in6_u"]!;
        Assert.Equal((ushort)0x2001, ((object?[])raw["u6_addr16"]!)[0]);
        Assert.Equal(0x20010db8u, ((object?[])raw["u6_addr32"]!)[0]);
        // The union's fields are taken back too (what -NoNetworkFormat shows), through any one view.
        var view = new OrderedDictionary { ["in6_u"] = new OrderedDictionary { ["u6_addr32"] = raw["u6_addr32"] } };
        Assert.Equal(bytes, Encode(codec, view));
    }

    [Fact]
    public void InAddrTakesTextNumberBytesAndItsField()
    {
        MapCodec codec = MapCodec.Build(InAddr, "", networkFormat: true);
        byte[] want = { 198, 18, 0, 2 };
        Assert.Equal("198.18.0.2", codec.Decode(want, 0));
        Assert.Equal(want, Encode(codec, "198.18.0.2"));
        Assert.Equal(want, Encode(codec, 3323068418u));
        Assert.Equal(want, Encode(codec, new byte[] { 198, 18, 0, 2 }));
        Assert.Equal(want, Encode(codec, new OrderedDictionary { ["s_addr"] = "198.18.0.2" }));
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1")]
    [InlineData("01.2.3.4")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("not-an-ip")]
    [InlineData("::1")]
    public void Ipv4TextThatIsNotFourDottedDecimalsIsRefused(string text)
    {
        foreach (BtfType type in new[] { Be32, InAddr })
        {
            var e = Assert.Throws<BpfException>(() => Encode(MapCodec.Build(type, "", true), text));
            Assert.Equal(ErrorId.InvalidIpAddress, e.ErrorId);
            Assert.Contains("four dotted decimals", e.Message);
        }
    }

    [Fact]
    public void WithoutTheNetworkRuleABe32TakesANumberAsText() =>
        Assert.Equal(new byte[] { 0, 0, 0x10, 0x92 }, Encode(MapCodec.Build(Be32, "", false), "4242"));

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("198.18.0.1")]
    [InlineData("2001:db8::1%eth0")]
    public void In6AddrRefusesTextThatIsNotIpv6(string text)
    {
        var e = Assert.Throws<BpfException>(() => Encode(MapCodec.Build(In6Addr, "", true), text));
        Assert.Equal(ErrorId.InvalidIpAddress, e.ErrorId);
        Assert.Contains("IPv6", e.Message);
    }

    [Theory]
    [InlineData("false", 0)]
    [InlineData("True", 1)]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData(1, 1)]
    [InlineData(false, 0)]
    public void ABoolTakesTrueFalseOneAndZero(object given, byte stored) =>
        Assert.Equal(new[] { stored }, Encode(MapCodec.Build(Int("_Bool", 1, BtfIntEncoding.Bool), "", true), given));

    [Theory]
    [InlineData("maybe")]
    [InlineData(2)]
    [InlineData("")]
    public void ABoolRefusesEverythingElseWithACatalogedError(object given)
    {
        var e = Assert.Throws<BpfException>(() => Encode(
            MapCodec.Build(Int("_Bool", 1, BtfIntEncoding.Bool), "", true), given));
        Assert.Equal(ErrorId.WrongShape, e.ErrorId);
        Assert.Contains("true, false, 1, 0", e.Message);
    }

    [Fact]
    public void AnArrayGivenTooFewItemsIsRefusedNotPadded()
    {
        MapCodec codec = MapCodec.Build(Array(U8, 3), "", true);
        Assert.Equal(ErrorId.WrongSize,
            Assert.Throws<BpfException>(() => Encode(codec, new object[] { 1, 2 })).ErrorId);
        Assert.Equal(ErrorId.ValueTooLarge,
            Assert.Throws<BpfException>(() => Encode(codec, new object[] { 1, 2, 3, 4 })).ErrorId);
        Assert.Equal(new byte[] { 1, 2, 3 }, Encode(codec, new object[] { 1, 2, 3 }));
    }

    [Fact]
    public void ASignedEnumTakesItsNegativeRange()
    {
        var level = new BtfType { Kind = BtfKind.Enum, Name = "level", Size = 4 };
        level.Enumerators.Add(("LOW", -2));
        MapCodec codec = MapCodec.Build(level, "", true);
        Assert.Equal(new byte[] { 0xfe, 0xff, 0xff, 0xff }, Encode(codec, "LOW"));
        Assert.Equal(new byte[] { 0xff, 0xff, 0xff, 0xff }, Encode(codec, -1));
        Assert.Equal(-1L, codec.Decode(new byte[] { 0xff, 0xff, 0xff, 0xff }, 0));
        var e = Assert.Throws<BpfException>(() => Encode(codec, 0x8000_0000L));
        Assert.Equal(ErrorId.ValueOutOfRange, e.ErrorId);
        Assert.Contains("LOW", e.Message);
    }

    [Fact]
    public void ACharTakesTheCharacterItReadsAs()
    {
        MapCodec codec = MapCodec.Build(Int("char", 1, BtfIntEncoding.Char | BtfIntEncoding.Signed), "", true);
        Assert.Equal('7', codec.Decode(new byte[] { (byte)'7' }, 0));
        Assert.Equal(new[] { (byte)'7' }, Encode(codec, "7"));
        Assert.Equal(new[] { (byte)'7' }, Encode(codec, '7'));
        Assert.Equal(new byte[] { 55 }, Encode(codec, 55));
    }

    /// <summary>
    /// The property: for random bytes in a field of every kind, what the codec reads writes back to the same
    /// bytes, with and without the network rule. Each kind's bytes are random in full where every pattern is a
    /// value (a _Bool only 0 or 1; a char array's bytes after its first NUL stay NUL, so it may read as text).
    /// </summary>
    [Fact]
    public void EveryKindReadsToAValueThatWritesTheSameBytes()
    {
        var colour = new BtfType { Kind = BtfKind.Enum, Name = "colour", Size = 4 };
        colour.Enumerators.Add(("RED", 0));
        colour.Enumerators.Add(("BLUE", 7));
        var level = new BtfType { Kind = BtfKind.Enum, Name = "level", Size = 4, Encoding = BtfIntEncoding.Signed };
        level.Enumerators.Add(("LOW", -2));
        BtfType u32 = Int("unsigned int", 4), s16 = Int("short", 2, BtfIntEncoding.Signed);
        BtfType s32 = Int("int", 4, BtfIntEncoding.Signed), u64 = Int("unsigned long long", 8);
        BtfType charT = Int("char", 1, BtfIntEncoding.Char | BtfIntEncoding.Signed);
        BtfType record = Record(BtfKind.Struct, "all", 108,
            ("a4", Be32, 0, 0), ("port", Be16, 32, 0), ("s", s16, 48, 0), ("big", Be64, 64, 0),
            ("ia", InAddr, 128, 0), ("v6", In6Addr, 160, 0), ("h_source", Array(U8, 6), 288, 0),
            ("on", Int("_Bool", 1, BtfIntEncoding.Bool), 336, 0), ("c", charT, 344, 0),
            ("colour", colour, 352, 0), ("level", level, 384, 0),
            ("lo", u32, 416, 3), ("mid", u32, 419, 9), ("hi", u32, 428, 20), ("sb", s32, 448, 5),
            ("pad", Int("unsigned char", 1), 453, 3), ("n", u64, 512, 0), ("label", Array(charT, 8), 576, 0),
            ("three", Array(U8, 3), 640, 0), ("words", Array(s32, 2), 672, 0), ("saddr6", Array(U8, 16), 736, 0));
        var random = new Random(19);
        foreach (bool net in new[] { true, false })
        {
            MapCodec codec = MapCodec.Build(record, "", net);
            for (int round = 0; round < 3000; round++)
            {
                byte[] bytes = new byte[record.Size];
                random.NextBytes(bytes);
                bytes[42] = (byte)random.Next(2); // _Bool
                bytes.AsSpan(57, 7).Clear(); // padding before n
                int nul = 72 + random.Next(9); // label: text up to a NUL (every other round), or any bytes
                if (round % 2 == 0)
                {
                    bytes.AsSpan(nul, 80 - nul).Clear();
                    for (int i = 72; i < nul; i++) bytes[i] = (byte)random.Next(0x20, 0x7f);
                }
                bytes[83] = 0; // padding after three
                object? value = codec.Decode(bytes, 0);
                byte[] again = Encode(codec, value);
                Assert.True(bytes.AsSpan().SequenceEqual(again), $"round {round}, network rule {net}: "
                    + $"{Convert.ToHexString(bytes)} came back as {Convert.ToHexString(again)}");
            }
        }
    }
}
