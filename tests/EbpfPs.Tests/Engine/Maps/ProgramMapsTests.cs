using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps;

/// <summary>
/// Which map of a program -MapName means, against a fake kernel where two loads of one object (and a stranger) have
/// maps of the same names: the program's own map is found where the kernel-wide name is ambiguous, and a name the
/// program does not use is refused with the names it does. Tests/Pester/ProgramMaps.Tests.ps1 does the same with
/// real programs on real hooks.
/// </summary>
public sealed class ProgramMapsTests : FakeKernelTest
{
    public ProgramMapsTests()
    {
        Fake.AddMap(7, "src_stats", BpfMapType.LruHash, 4, 16)
            .AddMap(8, "blocked", BpfMapType.Hash, 4, 1)
            .AddMap(9, "drops", BpfMapType.Ringbuf, 0, 0, 4096)
            .AddMap(10, "guard.rodata", BpfMapType.Array, 4, 8, 1)
            .AddMap(12, "blocked", BpfMapType.Hash, 4, 1)
            .AddMap(13, "a_long_map_name_beyond_fifteen", BpfMapType.Hash, 4, 4)
            .AddMap(14, "twin", BpfMapType.Array, 4, 4)
            .AddMap(15, "twin", BpfMapType.Array, 4, 4)
            .AddProgram(40, "guard_xdp", BpfProgType.Xdp, 7, 8, 9, 10)
            .AddProgram(41, "guard_tc", BpfProgType.SchedCls, 7, 8, 9, 10)
            .AddProgram(50, "other", BpfProgType.Xdp, 12, 13)
            .AddProgram(60, "twins", BpfProgType.Xdp, 14, 15);
    }

    [Fact]
    public void AProgramsOwnMapIsFoundWhereTheNameIsAmbiguousKernelWide()
    {
        var everywhere = Assert.Throws<BpfException>(() => BpfMap.OpenByName("blocked"));
        Assert.Equal(ErrorId.BpfMapNameAmbiguous, everywhere.ErrorId);

        Assert.Equal(8u, ProgramMaps.Kernel(40).Describe("blocked").Id);
        Assert.Equal(8u, ProgramMaps.Kernel(41).Describe("blocked").Id);
        Assert.Equal(12u, ProgramMaps.Kernel(50).Describe("blocked").Id);
        using BpfMap opened = MapReference.Program(ProgramMaps.Kernel(41)).Open("src_stats");
        Assert.Equal(7u, opened.Info.Id);
    }

    [Fact]
    public void TheMapsAreListedInTheProgramsOrderFromOneReadOfTheProgram()
    {
        var maps = ProgramMaps.Kernel(40, "guard_xdp");

        Assert.Equal(new uint[] { 7, 8, 9, 10 }, maps.List().Select(m => m.Id));
        Assert.Equal(new[] { "src_stats", "blocked", "drops", "guard.rodata" }, maps.List().Select(m => m.Name));
        maps.Describe("drops");
        Assert.Single(Fake.Log(nameof(IBpfSystem.ProgramMapIds)));
    }

    [Fact]
    public void ANameTheProgramDoesNotUseIsRefusedWithTheNamesItDoes()
    {
        // src_stats is loaded (guard_xdp and guard_tc use it), but program 50 does not use it.
        var e = Assert.Throws<BpfException>(() => ProgramMaps.Kernel(50, "other").Describe("src_stats"));

        Assert.Equal(ErrorId.BpfMapNotInProgram, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
        Assert.Equal("The program 'other' (id 50) uses no map named 'src_stats'. It uses: blocked, a_long_map_name.",
            e.Message);
    }

    [Fact]
    public void WithoutANameNothingIsGuessed()
    {
        var e = Assert.Throws<BpfException>(() => ProgramMaps.Kernel(40, "guard_xdp").Describe(null));

        Assert.Equal(ErrorId.MapNameRequired, e.ErrorId);
        Assert.Contains("uses maps src_stats, blocked, drops, guard.rodata; say which with -MapName", e.Message);
    }

    [Theory]
    [InlineData(40u, ".rodata", 10u)]
    [InlineData(40u, "guard.rodata", 10u)]
    [InlineData(50u, "a_long_map_name_beyond_fifteen", 13u)]
    [InlineData(50u, "a_long_map_name", 13u)]
    public void ALongNameMatchesTheKernelsFifteenCharactersAndASectionItsDataMap(uint program, string name,
        uint map) =>
        Assert.Equal(map, ProgramMaps.Kernel(program).Describe(name).Id);

    [Fact]
    public void TwoMapsOfOneNameInOneProgramAreAmbiguousAndListTheirIds()
    {
        var e = Assert.Throws<BpfException>(() => ProgramMaps.Kernel(60, "twins").Describe("twin"));

        Assert.Equal(ErrorId.BpfMapNameAmbiguous, e.ErrorId);
        Assert.Contains("(ids 14, 15)", e.Message);
    }

    [Fact]
    public void AProgramThatIsGoneIsNotFound()
    {
        var e = Assert.Throws<BpfException>(() => ProgramMaps.Kernel(99).List());

        Assert.Equal(ErrorId.BpfProgramNotFound, e.ErrorId);
    }
}
