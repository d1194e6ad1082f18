using System.Collections;
using System.Collections.Specialized;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps.Codec;

/// <summary>Anonymous members and data sections in the codecs, on hand-built type trees.</summary>
public class MapCodecMembersTests
{
    private static BtfType Int(uint size) =>
        new() { Kind = BtfKind.Int, Name = $"u{size * 8}", Size = size, IntBits = (int)size * 8 };

    private static BtfType Record(BtfKind kind, uint size, params (string, BtfType, uint, uint)[] members)
    {
        var t = new BtfType { Kind = kind, Size = size };
        t.Members.AddRange(members);
        return t;
    }

    private static readonly BtfType Be32 = new()
    {
        Kind = BtfKind.Typedef, Name = "__be32", Target = Int(4), Size = 4,
    };

    /// <summary>struct { union { __be32 vip; __be32 vipv6[4]; }; __u16 port; struct { __u8 a, b; }; }</summary>
    private static BtfType Vip()
    {
        var words = new BtfType { Kind = BtfKind.Array, Target = Be32, ArrayLength = 4, Size = 16 };
        BtfType union = Record(BtfKind.Union, 16, ("vip", Be32, 0, 0), ("vipv6", words, 0, 0));
        BtfType pair = Record(BtfKind.Struct, 2, ("a", Int(1), 0, 0), ("b", Int(1), 8, 0));
        return Record(BtfKind.Struct, 20, ("", union, 0, 0), ("port", Int(2), 128, 0), ("", pair, 144, 0));
    }

    [Fact]
    public void AnonymousMembersAreFieldsOfTheParent()
    {
        MapCodec codec = MapCodec.Build(Vip(), "key", networkFormat: true);
        byte[] bytes = new byte[20];
        new byte[] { 198, 18, 0, 10 }.CopyTo(bytes, 0);
        bytes[16] = 80;
        bytes[18] = 7;
        bytes[19] = 9;
        var decoded = (IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal(new[] { "vip", "vipv6", "port", "a", "b" }, decoded.Keys.Cast<string>());
        Assert.Equal("198.18.0.10", decoded["vip"]);
        Assert.Equal("c612:a::", decoded["vipv6"]);
        Assert.Equal((ushort)80, decoded["port"]);
        Assert.Equal((byte)9, decoded["b"]);
    }

    [Fact]
    public void WritesTakeTheCSpellingAndOneUnionMember()
    {
        MapCodec codec = MapCodec.Build(Vip(), "key", networkFormat: true);
        byte[] bytes = new byte[20];
        codec.Encode(new OrderedDictionary { ["vipv6"] = "2001:db8::1", ["port"] = 443, ["a"] = 1, ["b"] = 2 },
            bytes, 0, "key");
        Assert.Equal(System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes(), bytes[..16]);
        Assert.Equal(new byte[] { 0xbb, 1, 1, 2 }, bytes[16..]);
        var e = Assert.Throws<BpfException>(() => codec.Encode(new OrderedDictionary { ["vip"] = "198.18.0.1" },
            bytes, 0, "key"));
        Assert.Equal(ErrorId.MissingField, e.ErrorId);
        Assert.Contains("key.port", e.Message);
    }

    [Fact]
    public void DataSectionsReadByVariableAndWriteOnlyWhatIsNamed()
    {
        BtfType section = Record(BtfKind.Datasec, 8, ("limit", Int(4), 0, 0), ("gw_addr", Be32, 32, 0));
        MapCodec codec = MapCodec.Build(section, "value", networkFormat: true);
        Assert.True(codec.KeepsUnsetBytes);
        byte[] bytes = { 5, 0, 0, 0, 198, 18, 0, 1 };
        codec.Encode(new OrderedDictionary { ["limit"] = 500 }, bytes, 0, "value");
        var decoded = (IDictionary)codec.Decode(bytes, 0)!;
        Assert.Equal(500u, decoded["limit"]);
        Assert.Equal("198.18.0.1", decoded["gw_addr"]);
    }
}
