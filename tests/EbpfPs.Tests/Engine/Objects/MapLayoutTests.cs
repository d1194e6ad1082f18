using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Engine.Objects;

/// <summary>
/// MapLayout: whether a pinned map's key or value means the same in a new build, on hand-built type trees shaped
/// like guard.c's src_stats value (struct src_counters) and its GUARD_WIDE_STATS build.
/// </summary>
public class MapLayoutTests
{
    private static BtfType Int(uint size, bool signed = false) => new()
    {
        Kind = BtfKind.Int, Name = $"u{size * 8}", Size = size, IntBits = (int)size * 8,
        Encoding = signed ? BtfIntEncoding.Signed : BtfIntEncoding.None,
    };

    private static BtfType Typedef(string name, BtfType target) =>
        new() { Kind = BtfKind.Typedef, Name = name, Target = target };

    private static BtfType Struct(string name, uint size, params (string, BtfType, uint, uint)[] members)
    {
        var t = new BtfType { Kind = BtfKind.Struct, Name = name, Size = size };
        t.Members.AddRange(members);
        return t;
    }

    private static BtfType Counters(bool wide) => wide
        ? Struct("src_counters", 24, ("packets", Int(8), 0, 0), ("bytes", Int(8), 64, 0), ("dropped", Int(8), 128, 0))
        : Struct("src_counters", 16, ("packets", Int(8), 0, 0), ("bytes", Int(8), 64, 0));

    [Fact]
    public void TheSameLayoutAgreesWhateverTheTypesAreCalled()
    {
        BtfType renamed = Struct("counters_v2", 16, ("packets", Typedef("__u64", Int(8)), 0, 0),
            ("bytes", Int(8), 64, 0));
        Assert.Null(MapLayout.FirstDifference(Counters(false), renamed, "src_stats value"));
        Assert.Null(MapLayout.FirstDifference(Typedef("__be32", Int(4)), Int(4), "src_stats key"));
    }

    [Fact]
    public void ANewFieldIsNamedWithItsOffsetAndSize()
    {
        Assert.Equal("src_stats value: field 'dropped' (offset 16, 8 bytes) is new",
            MapLayout.FirstDifference(Counters(false), Counters(true), "src_stats value"));
    }

    [Fact]
    public void AFieldThatGoesIsNamed()
    {
        Assert.Equal("src_stats value: field 'dropped' (offset 16, 8 bytes) is gone",
            MapLayout.FirstDifference(Counters(true), Counters(false), "src_stats value"));
    }

    [Fact]
    public void SwappedFieldsOfOneSizeAreADifferenceSizesAloneMiss()
    {
        BtfType swapped = Struct("src_counters", 16, ("bytes", Int(8), 0, 0), ("packets", Int(8), 64, 0));
        Assert.Equal("v: field 'bytes' was at offset 8 (8 bytes), is at offset 0 (8 bytes) now",
            MapLayout.FirstDifference(Counters(false), swapped, "v"));
    }

    [Fact]
    public void NestedFieldsAreNamedByTheirPath()
    {
        BtfType Outer(BtfType inner) => Struct("outer", 24, ("hits", Int(8), 0, 0), ("c", inner, 64, 0));
        BtfType narrower = Struct("src_counters", 16, ("packets", Int(4), 0, 0), ("bytes", Int(8), 64, 0));
        Assert.Equal("v: field 'c.packets' was 8 bytes, is 4 now",
            MapLayout.FirstDifference(Outer(Counters(false)), Outer(narrower), "v"));
    }

    [Fact]
    public void ScalarsDifferBySizeOrSignArraysByLength()
    {
        Assert.Equal("k was 4 bytes, is 8 now", MapLayout.FirstDifference(Int(4), Int(8), "k"));
        Assert.Equal("k was an unsigned 32-bit integer, is a signed 32-bit integer now",
            MapLayout.FirstDifference(Int(4), Int(4, signed: true), "k"));
        BtfType Array(uint n) => new() { Kind = BtfKind.Array, Target = Int(1), ArrayLength = n };
        Assert.Equal("k had 16 elements, has 32 now", MapLayout.FirstDifference(Array(16), Array(32), "k"));
        Assert.Equal("k was a struct, is an unsigned 64-bit integer now",
            MapLayout.FirstDifference(Counters(false), Int(8), "k"));
    }
}
