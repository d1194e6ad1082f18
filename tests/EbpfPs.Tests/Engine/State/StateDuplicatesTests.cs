using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.State;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.State;

/// <summary>
/// The planner's duplicate check: a program the state wants once that runs twice on a TC hook (two loads of one
/// object, one tag) is a RemoveDuplicate difference, and applying it removes every instance but the one that runs
/// first, the first never leaving the hook; an older build or another program beside it is no duplicate.
/// </summary>
public sealed class StateDuplicatesTests : FakeKernelTest
{
    private const uint First = 50, Second = 51, Third = 52, OlderBuild = 53, Foreign = 54;
    private const ulong Tag = 0xAABB_CCDD_EEFF_0011UL;

    public StateDuplicatesTests()
    {
        Fake.AddProgramLoad(First, "guard_tc", BpfProgType.SchedCls, Tag)
            .AddProgramLoad(Second, "guard_tc", BpfProgType.SchedCls, Tag)
            .AddProgramLoad(Third, "guard_tc", BpfProgType.SchedCls, Tag)
            .AddProgramLoad(OlderBuild, "guard_tc", BpfProgType.SchedCls, Tag ^ 1)
            .AddProgramLoad(Foreign, "tc_other", BpfProgType.SchedCls, Tag);
        Fake.AddInterface("eth-a");
    }

    private static readonly StateSource Source = new("/etc/ebpfps/guard.psd1", "Programs[0].Interfaces[0]", 4);
    private static readonly StateProgram Entry = new("guard", "guard.o", null, BpfHook.TcIngress,
        new[] { new StateInterface("eth-a", Source) }, null, Source);

    private NetInterface EthA => new(Fake.Interface("eth-a").Index, "eth-a");

    private List<TcAttachment> Listed() => Attachments.ListTc(null, all => all.Where(i => i.Name == "eth-a"),
        TcDirection.Ingress).ToList();

    private string TagText => KernelTag(First);

    private static string KernelTag(uint id)
    {
        using var p = EbpfPs.Engine.Objects.AttachableProgram.FromId(id);
        return p.Info.Tag;
    }

    private StateStep? Plan() => StateDuplicates.Plan(Entry, Entry.Interfaces[0], EthA,
        StateDuplicates.Instances(Listed(), "guard_tc", TagText));

    [Fact]
    public void TwoLoadsOfTheProgramOnOneHookAreADifferenceNamingBoth()
    {
        // tc gives an automatic priority below the lowest in use, so the later filter runs first.
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49152, 1, First, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49151, 1, Second, Name: "guard_tc"));

        BpfStateDifference d = Assert.IsType<RemoveDuplicatesStep>(Plan()).Difference;

        Assert.Equal(BpfStateAction.RemoveDuplicate, d.Action);
        Assert.Equal(BpfStateItemKind.Program, d.Kind);
        Assert.Equal(("guard", "eth-a", BpfHook.TcIngress), (d.Item, d.Target, d.Hook));
        Assert.Equal($"guard_tc {TagText} once (id {Second} priority 49151 handle 1)", d.Expected);
        Assert.Equal($"2 instances: id {Second} priority 49151 handle 1; id {First} priority 49152 handle 1",
            d.Actual);
        Assert.Equal("guard.psd1 line 4 (Programs[0].Interfaces[0])", d.Source);
    }

    [Fact]
    public void OneInstanceBesideAnOlderBuildAndAnotherProgramIsNoDuplicate()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, Foreign, Name: "tc_other"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(2, 1, OlderBuild, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(3, 1, First, Name: "guard_tc"));

        Assert.Equal(new[] { First }, StateDuplicates.Instances(Listed(), "guard_tc", TagText)
            .Select(a => a.ProgramId));
        Assert.Null(Plan());
    }

    [Fact]
    public void ApplyingRemovesAllButTheFirstToRunAndLeavesTheFirstInPlace()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, Foreign, Name: "tc_other"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49152, 1, First, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49151, 1, Second, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49151, 2, Third, Name: "guard_tc"));
        StateStep step = Plan()!;

        step.Apply(null!);
        step.Release();

        // Only the extras are touched, in the order they run: the first to run (priority 49151, dumped first)
        // stays throughout.
        Assert.Equal(new[]
        {
            "TcDetach eth-a Ingress handle 2 priority 49151",
            "TcDetach eth-a Ingress handle 1 priority 49152",
        }, Fake.Mutations);
        Assert.Equal(new[] { (1u, Foreign), (49151u, Second) },
            Fake.Interface("eth-a").Ingress.Select(f => (f.Priority, f.ProgramId)).OrderBy(x => x.Item1));
    }

    [Fact]
    public void UndoPutsEachRemovedInstanceBackAtItsPriorityAndHandle()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49152, 1, First, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49151, 1, Second, Name: "guard_tc"));
        StateStep step = Plan()!;

        step.Apply(null!);
        step.Undo();
        step.Release();

        Assert.Equal(new[] { (49151u, 1u, Second), (49152u, 1u, First) },
            Fake.Interface("eth-a").Ingress.Select(f => (f.Priority, f.Handle, f.ProgramId)).OrderBy(x => x.Item1));
    }

    [Fact]
    public void AnExtraRemovedMeanwhileIsNoFailure()
    {
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49152, 1, First, Name: "guard_tc"))
            .AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(49151, 1, Second, Name: "guard_tc"))
            .Fail(nameof(IBpfSystem.TcDetach), Errno.ENOENT);
        StateStep step = Plan()!;

        step.Apply(null!);
        step.Release();

        Assert.Equal(new[] { "TcDetach eth-a Ingress handle 1 priority 49152 -> ENOENT" }, Fake.Mutations);
    }

    [Fact]
    public void TcxLinksRunBeforeFiltersAndFiltersByPriority()
    {
        var at = new[]
        {
            new TcAttachment { Mode = TcMode.Filter, Priority = 5, ProgramId = 1 },
            new TcAttachment { Mode = TcMode.Filter, Priority = 2, ProgramId = 2 },
            new TcAttachment { Mode = TcMode.Tcx, ProgramId = 3 },
            new TcAttachment { Mode = TcMode.Filter, Priority = 2, ProgramId = 4 },
        };

        Assert.Equal(new uint[] { 3, 2, 4, 1 }, StateDuplicates.RunOrder(at).Select(a => a.ProgramId));
    }
}
