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

/// <summary>Xdp.Attach/Detach decisions against the fake kernel: all or nothing, -Force, mode changes.</summary>
public sealed class XdpAttachTests : FakeKernelTest
{
    private const uint OldNative = 10, OldGeneric = 11, New = 20;

    public XdpAttachTests()
    {
        Fake.AddProgram(OldNative, "old_native", BpfProgType.Xdp)
            .AddProgram(OldGeneric, "old_generic", BpfProgType.Xdp)
            .AddProgram(New, "xdp_new", BpfProgType.Xdp)
            .AddProgram(30, "tc_prog", BpfProgType.SchedCls);
        foreach (string name in new[] { "eth-a", "eth-b", "eth-c", "eth-d" })
            Fake.AddInterface(name);
    }

    private List<NetInterface> Interfaces(params string[] names) =>
        names.Select(n => new NetInterface(Fake.Interface(n).Index, n)).ToList();

    private IReadOnlyList<XdpAttachment> Attach(XdpMode mode, bool force, params string[] names)
    {
        using AttachableProgram program = AttachableProgram.FromId(New);
        return Attachments.Attach(program, new XdpHookPoint(mode), Interfaces(names), force).Cast<XdpAttachment>()
            .ToList();
    }

    [Fact]
    public void FailureRollsBackInReverseOrderAndRestoresEachPreviousProgramInItsMode()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative).SetXdp("eth-c", XdpAttachMode.Skb, OldGeneric)
            .Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM, nth: 4);

        var e = Assert.Throws<BpfException>(() =>
            Attach(XdpMode.Generic, force: true, "eth-a", "eth-b", "eth-c", "eth-d"));

        Assert.Equal(ErrorId.XdpAttachFailed, e.ErrorId);
        Assert.Equal(BpfErrorKind.PermissionDenied, e.Kind);
        Assert.Equal("eth-d", e.Target);
        Assert.Equal(new[]
        {
            // eth-a: native to generic is detach (of the program we saw, only) then attach
            "XdpDetach eth-a DrvMode, Replace expected 10",
            "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode",
            "XdpAttach eth-b prog 20 UpdateIfNoexist, SkbMode",
            // eth-c: same mode, an atomic swap of the program we saw
            "XdpAttach eth-c prog 20 SkbMode, Replace expected 11",
            "XdpAttach eth-d prog 20 UpdateIfNoexist, SkbMode -> EPERM",
            // rollback, last done first, each step only while our program is still there: eth-c gets its generic
            // program back in one swap ...
            "XdpAttach eth-c prog 11 SkbMode, Replace expected 20",
            // ... eth-b had nothing ...
            "XdpDetach eth-b SkbMode, Replace expected 20",
            // ... eth-a gets its native program back in native mode, where nothing else went meanwhile
            "XdpDetach eth-a SkbMode, Replace expected 20",
            "XdpAttach eth-a prog 10 UpdateIfNoexist, DrvMode",
        }, Fake.Mutations);
        Assert.Equal((OldNative, 0u, 0u), Fake.XdpOf("eth-a"));
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("eth-b"));
        Assert.Equal((0u, OldGeneric, 0u), Fake.XdpOf("eth-c"));
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("eth-d"));
    }

    [Fact]
    public void WithoutForceAnOccupiedInterfaceIsRefusedBeforeAnythingChanges()
    {
        Fake.SetXdp("eth-c", XdpAttachMode.Skb, OldGeneric);

        var e = Assert.Throws<BpfException>(() => Attach(XdpMode.Native, force: false, "eth-a", "eth-b", "eth-c"));

        Assert.Equal(ErrorId.XdpProgramExists, e.ErrorId);
        Assert.Equal("eth-c", e.Target);
        Assert.Equal((int)Errno.EEXIST, e.Errno);
        Assert.Contains("program id 11", e.Message);
        Assert.Empty(Fake.Mutations);
        // One link dump serves all three, not a query each.
        Assert.Equal(new[] { "XdpStates (own)" }, Fake.Log(nameof(IBpfSystem.XdpQuery), nameof(IBpfSystem.XdpStates)));
    }

    [Theory]
    [InlineData(XdpMode.Native)]
    [InlineData(XdpMode.Auto)]
    public void ForceInTheSameModeReplacesTheProgramItSaw(XdpMode mode)
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative);

        XdpAttachment done = Assert.Single(Attach(mode, force: true, "eth-a"));

        Assert.Equal(new[] { "XdpAttach eth-a prog 20 DrvMode, Replace expected 10" }, Fake.Mutations);
        Assert.Equal(OldNative, done.ReplacedProgramId);
        Assert.Equal(New, done.ProgramId);
        Assert.Equal("xdp_new", done.ProgramName);
        Assert.Equal(XdpMode.Native, done.Mode);
        Assert.Equal((New, 0u, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void WithForceAReplaceThatLostARaceLooksAgainAndReplacesWhatIsThereNow()
    {
        // Another process swaps in its program between our look and our replace.
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative)
            .Before(nameof(IBpfSystem.XdpAttach), 1, f => f.SetXdp("eth-a", XdpAttachMode.Drv, OldGeneric));

        XdpAttachment done = Assert.Single(Attach(XdpMode.Native, force: true, "eth-a"));

        Assert.Equal(new[]
        {
            "XdpAttach eth-a prog 20 DrvMode, Replace expected 10 -> EEXIST",
            "XdpAttach eth-a prog 20 DrvMode, Replace expected 11",
        }, Fake.Mutations);
        Assert.Equal(OldGeneric, done.ReplacedProgramId);
        Assert.Equal((New, 0u, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void WithForceAnInterfaceThatKeepsChangingIsXdpProgramChangedNotAnAdviceToUseForce()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative).FailWhen(nameof(IBpfSystem.XdpAttach), Errno.EEXIST);

        var e = Assert.Throws<BpfException>(() => Attach(XdpMode.Native, force: true, "eth-a"));

        Assert.Equal(ErrorId.XdpProgramChanged, e.ErrorId);
        Assert.Equal(BpfErrorKind.ResourceBusy, e.Kind);
        Assert.DoesNotContain("-Force", e.Message);
        Assert.Equal(3, Fake.Mutations.Count);
        Assert.Equal((OldNative, 0u, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void WithoutForceAProgramThatArrivedMeanwhileIsRefusedAndLeftAlone()
    {
        Fake.Before(nameof(IBpfSystem.XdpAttach), 1, f => f.SetXdp("eth-a", XdpAttachMode.Skb, OldGeneric));

        var e = Assert.Throws<BpfException>(() => Attach(XdpMode.Generic, force: false, "eth-a"));

        Assert.Equal(ErrorId.XdpProgramExists, e.ErrorId);
        Assert.Contains("meanwhile; use -Force", e.Message);
        Assert.Equal((0u, OldGeneric, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void RollbackLeavesAProgramAnotherProcessPutOnAnInterfaceMeanwhile()
    {
        // eth-a is done; before eth-b fails, another process replaces our program on eth-a with its own.
        Fake.Before(nameof(IBpfSystem.XdpAttach), 2, f => f.SetXdp("eth-a", XdpAttachMode.Skb, OldGeneric))
            .Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM, nth: 2);

        Assert.Throws<BpfException>(() => Attach(XdpMode.Generic, force: false, "eth-a", "eth-b"));

        Assert.Equal(new[]
        {
            "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode",
            "XdpAttach eth-b prog 20 UpdateIfNoexist, SkbMode -> EPERM",
            "XdpDetach eth-a SkbMode, Replace expected 20 -> EEXIST",
        }, Fake.Mutations);
        Assert.Equal((0u, OldGeneric, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void AModeChangeIsDetachThenAttachAndPutsTheOldProgramBackWhenTheAttachFails()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative).Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM);

        var e = Assert.Throws<BpfException>(() => Attach(XdpMode.Generic, force: true, "eth-a"));

        Assert.Equal(ErrorId.XdpAttachFailed, e.ErrorId);
        Assert.Equal(BpfErrorKind.PermissionDenied, e.Kind);
        Assert.Equal(BpfException.PrivilegeAdvice, e.RecommendedAction);
        Assert.Equal(new[]
        {
            "XdpDetach eth-a DrvMode, Replace expected 10",
            "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode -> EPERM",
            "XdpAttach eth-a prog 10 UpdateIfNoexist, DrvMode",
        }, Fake.Mutations);
        Assert.Equal((OldNative, 0u, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void AModeChangeThatSucceedsLeavesOnlyTheNewMode()
    {
        Fake.SetXdp("eth-b", XdpAttachMode.Skb, OldGeneric);

        XdpAttachment done = Assert.Single(Attach(XdpMode.Native, force: true, "eth-b"));

        Assert.Equal(new[]
        {
            "XdpDetach eth-b SkbMode, Replace expected 11", "XdpAttach eth-b prog 20 UpdateIfNoexist, DrvMode",
        }, Fake.Mutations);
        Assert.Equal(XdpMode.Native, done.Mode);
        Assert.Equal(OldGeneric, done.ReplacedProgramId);
        Assert.Equal((New, 0u, 0u), Fake.XdpOf("eth-b"));
    }

    [Fact]
    public void NativeOnADriverWithoutItIsNamedAsSuch()
    {
        Fake.AddInterface("veth-slow", nativeXdp: false);

        var e = Assert.Throws<BpfException>(() => Attach(XdpMode.Native, force: false, "veth-slow"));

        Assert.Equal(ErrorId.XdpNativeNotSupported, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotImplemented, e.Kind);
        Assert.Equal((int)Errno.EOPNOTSUPP, e.Errno);
    }

    [Fact]
    public void OffloadAndWrongProgramTypesAreRefusedWithoutAKernelCall()
    {
        var offload = Assert.Throws<BpfException>(() => Attach(XdpMode.Offload, force: false, "eth-a"));
        Assert.Equal(ErrorId.XdpOffloadNotSupported, offload.ErrorId);

        using AttachableProgram tc = AttachableProgram.FromId(30);
        var wrong = Assert.Throws<BpfException>(() => Attachments.Attach(tc, new XdpHookPoint(XdpMode.Auto),
            Interfaces("eth-a")));
        Assert.Equal(ErrorId.WrongProgramType, wrong.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, wrong.Kind);

        Assert.Empty(Fake.Log(nameof(IBpfSystem.XdpQuery), nameof(IBpfSystem.XdpStates), nameof(IBpfSystem.XdpAttach),
            nameof(IBpfSystem.XdpDetach)));
    }

    [Fact]
    public void DetachRemovesEveryModeTheInterfaceHasAndReportsWhatWasThere()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, OldNative).SetXdp("eth-a", XdpAttachMode.Skb, OldGeneric);

        XdpAttachment gone = Xdp.Detach(new NetInterface(Fake.Interface("eth-a").Index, "eth-a"));

        Assert.Equal(XdpMode.Native, gone.Mode);
        Assert.Equal(OldNative, gone.ProgramId);
        Assert.Equal("old_native", gone.ProgramName);
        Assert.Equal(new[]
            {
                "XdpDetach eth-a DrvMode, Replace expected 10", "XdpDetach eth-a SkbMode, Replace expected 11",
            },
            Fake.Mutations);
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("eth-a"));

        var none = Assert.Throws<BpfException>(() =>
            Xdp.Detach(new NetInterface(Fake.Interface("eth-b").Index, "eth-b")));
        Assert.Equal(ErrorId.NoXdpProgram, none.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, none.Kind);
    }

    [Fact]
    public void DetachLeavesAProgramAnotherProcessSwappedInAfterItLooked()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Skb, OldGeneric)
            .Before(nameof(IBpfSystem.XdpDetach), 1, f => f.SetXdp("eth-a", XdpAttachMode.Skb, New));

        var e = Assert.Throws<BpfException>(() => Xdp.Detach(new NetInterface(Fake.Interface("eth-a").Index, "eth-a")));

        Assert.Equal(ErrorId.XdpProgramChanged, e.ErrorId);
        Assert.Equal((0u, New, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void AttachInANamedNamespaceEntersItAndUsesItsInterfaces()
    {
        Fake.AddNamespace("ns-x");
        int index = Fake.AddInterface("veth0", "ns-x");
        using AttachableProgram program = AttachableProgram.FromId(New);

        var done = (XdpAttachment)Assert.Single(
            Attachments.Attach(program, new XdpHookPoint(XdpMode.Generic),
                new[] { new NetInterface(index, "veth0", "ns-x") }));

        Assert.Equal("ns-x", done.NetNamespace);
        Assert.Contains("EnterNetNamespace ns-x", Fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
        Assert.Equal(new[] { "XdpAttach ns-x/veth0 prog 20 UpdateIfNoexist, SkbMode" }, Fake.Mutations);
        Assert.Equal((0u, New, 0u), Fake.XdpOf("veth0", "ns-x"));
    }

    [Fact]
    public void ListShowsOnlyInterfacesWithAProgram()
    {
        Fake.SetXdp("eth-b", XdpAttachMode.Skb, OldGeneric);

        XdpAttachment listed = Assert.Single(Attachments.ListXdp(null));

        Assert.Equal(("eth-b", XdpMode.Generic, OldGeneric, "old_generic"),
            (listed.Interface, listed.Mode, listed.ProgramId, listed.ProgramName));
        Assert.Null(listed.NetNamespace);
    }
}
