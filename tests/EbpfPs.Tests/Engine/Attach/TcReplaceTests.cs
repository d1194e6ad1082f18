using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// -Force over a TC hook that runs an older build of the same program swaps it where it sits: one replace at the
/// filter's own priority and handle (or one link update), never a detach and attach with an empty hook in between;
/// a failure puts the older builds back; programs of other names are left alone.
/// </summary>
public sealed class TcReplaceTests : FakeKernelTest
{
    private const uint NewBuild = 40, OldBuild = 39, Foreign = 41;

    public TcReplaceTests()
    {
        Fake.AddProgram(NewBuild, "guard_tc", BpfProgType.SchedCls)
            .AddProgram(OldBuild, "guard_tc", BpfProgType.SchedCls)
            .AddProgram(Foreign, "tc_other", BpfProgType.SchedCls);
        foreach (string name in new[] { "eth-a", "eth-b" })
            Fake.AddInterface(name);
    }

    private List<NetInterface> Interfaces(params string[] names) =>
        names.Select(n => new NetInterface(Fake.Interface(n).Index, n)).ToList();

    private IReadOnlyList<TcAttachment> Attach(uint program, TcMode mode, bool force, params string[] names)
    {
        using AttachableProgram p = AttachableProgram.FromId(program);
        return Attachments.Attach(p, new TcHookPoint(TcDirection.Ingress, mode), Interfaces(names), force)
            .Cast<TcAttachment>().ToList();
    }

    [Fact]
    public void ForceOverAnOlderBuildReplacesItsFilterInPlaceAndLeavesOtherProgramsAlone()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, Foreign, Name: "tc_other"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(7, 3, OldBuild, Name: "guard_tc"));

        TcAttachment done = Assert.Single(Attach(NewBuild, TcMode.Filter, true, "eth-a"));

        Assert.Equal(new[] { "TcAttach eth-a Ingress prog 40 handle 3 priority 7 Replace" }, Fake.Mutations);
        Assert.Equal((7u, 3u, NewBuild, OldBuild), (done.Priority, done.Handle, done.ProgramId, done.ReplacedProgramId));
        Assert.Equal(new[] { new FakeFilter(1, 1, Foreign, Name: "tc_other"),
                new FakeFilter(7, 3, NewBuild, DirectAction: true, Name: "guard_tc") },
            Fake.Interface("eth-a").Ingress);
    }

    [Fact]
    public void WithoutForceTheNewBuildGoesBesideTheOldOne()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(7, 3, OldBuild, Name: "guard_tc"));

        TcAttachment done = Assert.Single(Attach(NewBuild, TcMode.Filter, false, "eth-a"));

        Assert.Null(done.ReplacedProgramId);
        Assert.Equal(2, Fake.Interface("eth-a").Ingress.Count);
    }

    [Fact]
    public void AFailureOnALaterInterfacePutsTheOlderBuildBackWhereItWas()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(7, 3, OldBuild, Name: "guard_tc"))
            .AddFilter("eth-b", TcAttachPoint.Ingress, new FakeFilter(5, 1, OldBuild, Name: "guard_tc"))
            .Fail(nameof(IBpfSystem.TcAttach), Errno.EPERM, nth: 2);

        var e = Assert.Throws<BpfException>(() => Attach(NewBuild, TcMode.Filter, true, "eth-a", "eth-b"));

        Assert.Equal(ErrorId.TcAttachFailed, e.ErrorId);
        Assert.Equal(new[]
        {
            "TcAttach eth-a Ingress prog 40 handle 3 priority 7 Replace",
            "TcAttach eth-b Ingress prog 40 handle 1 priority 5 Replace -> EPERM",
            "TcAttach eth-a Ingress prog 39 handle 3 priority 7 Replace",
        }, Fake.Mutations);
        Assert.Equal(OldBuild, Assert.Single(Fake.Interface("eth-a").Ingress).ProgramId);
        Assert.Equal(OldBuild, Assert.Single(Fake.Interface("eth-b").Ingress).ProgramId);
    }

    [Fact]
    public void TwoProgramsOfTheNameAreAmbiguousAndNothingChanges()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(7, 3, OldBuild, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(8, 1, OldBuild, Name: "guard_tc"));

        var e = Assert.Throws<BpfException>(() => Attach(NewBuild, TcMode.Filter, true, "eth-b", "eth-a"));

        Assert.Equal(ErrorId.TcProgramAmbiguous, e.ErrorId);
        Assert.Contains("priority 7 handle 3; priority 8 handle 1", e.Message);
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void ATcxLinkOfAnOlderBuildIsUpdatedNotDetached()
    {
        TcAttachment old = Assert.Single(Attach(OldBuild, TcMode.Tcx, false, "eth-a"));

        TcAttachment done = Assert.Single(Attach(NewBuild, TcMode.Tcx, true, "eth-a"));

        Assert.Equal($"LinkUpdate link {old.LinkId} prog 40", Fake.Mutations[^1]);
        Assert.DoesNotContain(Fake.Mutations, m => m.StartsWith("LinkDetach"));
        Assert.Equal((old.LinkId, old.PinnedPath, NewBuild, OldBuild),
            (done.LinkId, done.PinnedPath, done.ProgramId, done.ReplacedProgramId));
        Assert.Equal(1, Fake.LinkCount);
        Attachments.Detach(done);
    }
}
