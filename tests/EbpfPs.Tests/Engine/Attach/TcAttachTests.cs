using System;
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
/// Tc.Attach/Detach/Find decisions against the fake kernel: a failed attach removes the filters it made and the
/// qdiscs it made (only those), selections that match several programs are refused. The engine's qdisc markers
/// live in /run/ebpfps/clsact under the fake's own namespace inodes, which no real namespace has.
/// </summary>
public sealed class TcAttachTests : FakeKernelTest
{
    private const uint Program = 40, Foreign = 41;

    public TcAttachTests()
    {
        Fake.AddProgram(Program, "tc_count", BpfProgType.SchedCls)
            .AddProgram(Foreign, "tc_other", BpfProgType.SchedCls)
            .AddProgram(42, "xdp_prog", BpfProgType.Xdp);
        foreach (string name in new[] { "eth-a", "eth-b", "eth-c" })
            Fake.AddInterface(name);
    }

    private List<NetInterface> Interfaces(params string[] names) =>
        names.Select(n => new NetInterface(Fake.Interface(n).Index, n)).ToList();

    private IReadOnlyList<TcAttachment> Attach(TcDirection direction, uint priority, uint handle, bool force,
        params string[] names)
    {
        using AttachableProgram program = AttachableProgram.FromId(Program);
        return Attachments.Attach(program, new TcHookPoint(direction, TcMode.Filter, priority, handle),
                Interfaces(names), force).Cast<TcAttachment>().ToList();
    }

    [Fact]
    public void FailureRemovesTheFiltersItMadeAndOnlyTheQdiscsItMade()
    {
        // eth-a has someone else's clsact with someone else's filter; eth-b and eth-c have no qdisc.
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(100, 1, Foreign))
            .Fail(nameof(IBpfSystem.TcAttach), Errno.EPERM, nth: 3);

        var e = Assert.Throws<BpfException>(() => Attach(TcDirection.Ingress, 0, 0, false, "eth-a", "eth-b", "eth-c"));

        Assert.Equal(ErrorId.TcAttachFailed, e.ErrorId);
        Assert.Equal(BpfErrorKind.PermissionDenied, e.Kind);
        Assert.Equal("eth-c", e.Target);
        Assert.Equal(new[]
        {
            "TcHookCreate eth-a -> EEXIST",
            "TcAttach eth-a Ingress prog 40 handle 0 priority 0 None",
            "TcHookCreate eth-b",
            "TcAttach eth-b Ingress prog 40 handle 0 priority 0 None",
            "TcHookCreate eth-c",
            "TcAttach eth-c Ingress prog 40 handle 0 priority 0 None -> EPERM",
            // the failed one drops the qdisc it just made ...
            "TcHookDestroy eth-c",
            // ... then the done ones go, last first: eth-b's qdisc was ours and is empty now, eth-a's was not ours
            "TcDetach eth-b Ingress handle 1 priority 49152",
            "TcHookDestroy eth-b",
            "TcDetach eth-a Ingress handle 1 priority 99",
        }, Fake.Mutations);
        FakeInterface a = Fake.Interface("eth-a");
        Assert.True(a.Clsact);
        Assert.Equal(new[] { new FakeFilter(100, 1, Foreign) }, a.Ingress);
        Assert.False(Fake.Interface("eth-b").Clsact);
        Assert.False(Fake.Interface("eth-c").Clsact);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }

    [Fact]
    public void AnOccupiedPriorityAndHandleIsTcFilterExistsAndAQdiscFoundThereStays()
    {
        TcAttachment first = Assert.Single(Attach(TcDirection.Egress, 5, 7, false, "eth-c"));

        var e = Assert.Throws<BpfException>(() => Attach(TcDirection.Egress, 5, 7, false, "eth-c"));

        Assert.Equal(ErrorId.TcFilterExists, e.ErrorId);
        Assert.Equal(BpfErrorKind.ResourceExists, e.Kind);
        Assert.Contains("-Force", e.Message);
        Assert.True(first.CreatedQdisc);
        // The second attach found the qdisc (the first made it), so its failure leaves it and its marker alone.
        Assert.Equal(new[]
            {
                "TcHookCreate eth-c -> EEXIST", "TcAttach eth-c Egress prog 40 handle 7 priority 5 None -> EEXIST",
            },
            Fake.Mutations.Skip(2));
        Assert.True(Fake.Interface("eth-c").Clsact);
        Assert.Single(Fake.QdiscMarkerFiles());
        Attachments.Detach(first);
        Assert.False(Fake.Interface("eth-c").Clsact);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }

    [Fact]
    public void ForceReplacesAtTheGivenPriorityAndHandle()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(3, 9, Foreign));

        TcAttachment done = Assert.Single(Attach(TcDirection.Ingress, 3, 9, true, "eth-a"));

        Assert.Equal("TcAttach eth-a Ingress prog 40 handle 9 priority 3 Replace", Fake.Mutations[^1]);
        Assert.Equal((3u, 9u, Program, "tc_count", false),
            (done.Priority, done.Handle, done.ProgramId, done.ProgramName, done.CreatedQdisc));
        Assert.Equal(Program, Assert.Single(Fake.Interface("eth-a").Ingress).ProgramId);
    }

    [Fact]
    public void DetachRemovesTheQdiscOnlyWithOurLastFilter()
    {
        IReadOnlyList<TcAttachment> first = Attach(TcDirection.Ingress, 0, 0, false, "eth-b");
        IReadOnlyList<TcAttachment> second = Attach(TcDirection.Egress, 0, 0, false, "eth-b");
        Assert.True(first[0].CreatedQdisc);
        Assert.False(second[0].CreatedQdisc);

        Attachments.Detach(first[0]);
        Assert.True(Fake.Interface("eth-b").Clsact);
        Assert.DoesNotContain("TcHookDestroy eth-b", Fake.Mutations);

        Attachments.Detach(second[0]);
        Assert.False(Fake.Interface("eth-b").Clsact);
        Assert.Equal("TcHookDestroy eth-b", Fake.Mutations[^1]);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }

    [Fact]
    public void DetachNeverRemovesAQdiscSomeoneElseMade()
    {
        Fake.AddClsact("eth-a");
        TcAttachment ours = Assert.Single(Attach(TcDirection.Ingress, 0, 0, false, "eth-a"));

        Attachments.Detach(ours);

        Assert.True(Fake.Interface("eth-a").Clsact);
        Assert.Empty(Fake.Interface("eth-a").Ingress);
        Assert.Equal(new[] { "TcHookCreate eth-a -> EEXIST", "TcAttach eth-a Ingress prog 40 handle 0 priority 0 None",
            "TcDetach eth-a Ingress handle 1 priority 49152" }, Fake.Mutations);

        var gone = Assert.Throws<BpfException>(() => Attachments.Detach(ours));
        Assert.Equal(ErrorId.TcFilterNotFound, gone.ErrorId);
    }

    [Fact]
    public void FindRefusesToGuessAmongSeveralAndNamesWhatIsMissing()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, Program, Name: "tc_count"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(2, 1, Foreign, Name: "tc_other"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(3, 1, 0, Kind: "u32"));

        var ambiguous = Assert.Throws<BpfException>(() =>
            Attachments.FindTc("eth-a", null, TcDirection.Ingress, 0, 0, null));
        Assert.Equal(ErrorId.TcProgramAmbiguous, ambiguous.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, ambiguous.Kind);
        Assert.Contains("2 BPF programs", ambiguous.Message);

        Assert.Equal(2u, Assert.Single(Attachments.FindTc("eth-a", null, TcDirection.Ingress, 2, 0, null)).Priority);
        TcAttachment named =
            Assert.Single(Attachments.FindTc("eth-a", null, TcDirection.Ingress, 0, 0, n => n == "tc_count"));
        Assert.Equal("tc_count", named.ProgramName);
        // A selection that still matches several is as ambiguous as none (here: handle 1 at any priority), and the
        // error lists them.
        var several = Assert.Throws<BpfException>(() =>
            Attachments.FindTc("eth-a", null, TcDirection.Ingress, 0, 1, null));
        Assert.Equal(ErrorId.TcProgramAmbiguous, several.ErrorId);
        Assert.Contains("'tc_count' priority 1 handle 1; 'tc_other' priority 2 handle 1", several.Message);

        var none = Assert.Throws<BpfException>(() => Attachments.FindTc("eth-a", null, TcDirection.Egress, 0, 0, null));
        Assert.Equal(ErrorId.TcProgramNotFound, none.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, none.Kind);

        var noInterface = Assert.Throws<BpfException>(() =>
            Attachments.FindTc("eth-zz", null, TcDirection.Ingress, 0, 0, null));
        Assert.Equal(ErrorId.InterfaceNotFound, noInterface.ErrorId);
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void TcxOnAKernelWithoutItIsNamedAsSuchAndNothingIsPinned()
    {
        Fake.Fail(nameof(IBpfSystem.LinkCreate), Errno.EINVAL)
            .FailWhen(nameof(IBpfSystem.QueryAttachedCount), Errno.EINVAL);
        using AttachableProgram program = AttachableProgram.FromId(Program);

        var e = Assert.Throws<BpfException>(() =>
            Attachments.Attach(program, new TcHookPoint(TcDirection.Ingress, TcMode.Tcx), Interfaces("eth-a")));

        Assert.Equal(ErrorId.TcxNotSupported, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotImplemented, e.Kind);
        Assert.Equal(0, Fake.PinCount);
        Assert.Equal(0, Fake.LinkCount);
    }

    [Fact]
    public void AnXdpProgramIsRefusedAtTheTcHookBeforeAnyCall()
    {
        using AttachableProgram xdp = AttachableProgram.FromId(42);

        var e = Assert.Throws<BpfException>(() =>
            Attachments.Attach(xdp, new TcHookPoint(TcDirection.Ingress), Interfaces("eth-a")));

        Assert.Equal(ErrorId.WrongProgramType, e.ErrorId);
        Assert.Empty(Fake.Mutations);
    }
}
