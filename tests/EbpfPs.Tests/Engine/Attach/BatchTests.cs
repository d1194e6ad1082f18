using System.Collections.Generic;
using System.Linq;
using EbpfPs.Commands;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// Hundreds of interfaces in one namespace: what a batch reads stays constant per interface (one link dump per
/// batch, one TC request per hook, markers pruned once), and all-or-none still holds deep into a batch.
/// </summary>
public sealed class BatchTests : FakeKernelTest
{
    private const string Ns = "ns-s";
    private const uint Xdp = 20, Old = 10, Tc = 40;
    private const int Count = 200;

    public BatchTests()
    {
        Fake.AddProgram(Xdp, "xdp_new", BpfProgType.Xdp).AddProgram(Old, "old", BpfProgType.Xdp)
            .AddProgram(Tc, "tc_new", BpfProgType.SchedCls);
        Fake.AddNamespace(Ns);
        for (int n = 0; n < Count; n++)
            Fake.AddInterface($"v{n}", Ns);
    }

    private static InterfaceQuery Query(params string[] names) => new(names, Ns, Wildcards.InterfaceMatcher);

    private int Calls(string method) => Fake.Log(method).Count;

    [Fact]
    public void AttachingToAllReadsOneDumpBeforeAndOneAfterAndNoQueryPerInterface()
    {
        using AttachableProgram program = AttachableProgram.FromId(Xdp);

        var done = Attachments.Attach(program, new XdpHookPoint(XdpMode.Generic), Query("v*"), force: false);

        Assert.Equal(Count, done.Count);
        Assert.All(done.Cast<XdpAttachment>(), a => Assert.Equal((Xdp, XdpMode.Generic, "xdp_new"),
            (a.ProgramId, a.Mode, a.ProgramName)));
        Assert.Equal(2, Calls(nameof(IBpfSystem.XdpStates)));
        Assert.Equal(0, Calls(nameof(IBpfSystem.XdpQuery)));
        Assert.Equal(Count, Calls(nameof(IBpfSystem.XdpAttach)));
        Assert.Equal(1, Calls(nameof(IBpfSystem.Interfaces))); // the pattern resolved from one listing
    }

    [Fact]
    public void AFailureOnThe137thRollsBackThe136BeforeItLastFirstAndPutsBackWhatTheyRan()
    {
        // Every tenth interface ran another program, which -Force replaces and the rollback puts back.
        for (int n = 0; n < Count; n += 10)
            Fake.SetXdp($"v{n}", XdpAttachMode.Skb, Old, Ns);
        Fake.Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM, nth: 137);
        using AttachableProgram program = AttachableProgram.FromId(Xdp);

        var e = Assert.Throws<BpfException>(() =>
            Attachments.Attach(program, new XdpHookPoint(XdpMode.Generic), Query("v*"), force: true));

        Assert.Equal("v136", e.Target);
        for (int n = 0; n < Count; n++)
            Assert.Equal((0u, n % 10 == 0 ? Old : 0u, 0u), Fake.XdpOf($"v{n}", Ns));
        IReadOnlyList<string> undo = Fake.Mutations.Skip(137).ToList();
        Assert.Equal(136, undo.Count);
        Assert.StartsWith("XdpDetach ns-s/v135 ", undo[0]);
        Assert.StartsWith("XdpAttach ns-s/v130 prog 10 SkbMode, Replace expected 20", undo[5]);
        Assert.StartsWith("XdpAttach ns-s/v0 ", undo[^1]);
        Assert.Equal(0, Calls(nameof(IBpfSystem.XdpQuery)));
        Assert.Equal(2, Calls(nameof(IBpfSystem.XdpStates))); // before, and what the rollback finds
    }

    [Fact]
    public void DetachingAllReadsTwoDumpsAndNoQueryPerInterface()
    {
        for (int n = 0; n < Count; n++)
            Fake.SetXdp($"v{n}", n % 2 == 0 ? XdpAttachMode.Skb : XdpAttachMode.Drv, Old, Ns);
        var asked = new List<string>();

        var gone = Attachments.DetachXdp(Query("v*"), i => { asked.Add(i.Name); return true; }).ToList();

        Assert.Equal(Count, gone.Count);
        Assert.Equal(Count, asked.Count);
        Assert.All(gone, g => Assert.Equal(Old, g.ProgramId));
        Assert.Equal(XdpMode.Native, gone[1].Mode);
        for (int n = 0; n < Count; n++)
            Assert.Equal((0u, 0u, 0u), Fake.XdpOf($"v{n}", Ns));
        Assert.Equal(2, Calls(nameof(IBpfSystem.XdpStates)));
        Assert.Equal(0, Calls(nameof(IBpfSystem.XdpQuery)));
    }

    [Fact]
    public void ADetachFailureComesAfterTheRecordsOfThoseDetachedBeforeIt()
    {
        for (int n = 0; n < Count; n++)
            Fake.SetXdp($"v{n}", XdpAttachMode.Skb, Old, Ns);
        Fake.Fail(nameof(IBpfSystem.XdpDetach), Errno.EBUSY, nth: 5);
        var seen = new List<string>();
        var sweep = new PinSweep();

        var e = Assert.Throws<BpfException>(() =>
        {
            foreach (XdpAttachment g in Attachments.DetachXdp(Query("v*"), _ => true, sweep: sweep))
                seen.Add(g.Interface);
        });

        Assert.Equal(ErrorId.XdpDetachFailed, e.ErrorId);
        Assert.Equal(new[] { "v0", "v1", "v2", "v3" }, seen);
        Assert.Equal((0u, Old, 0u), Fake.XdpOf("v4", Ns));
        Assert.Equal((0u, Old, 0u), Fake.XdpOf("v5", Ns)); // the batch stops at the failure
    }

    [Fact]
    public void AnExactNameWithoutAProgramFailsBeforeAnythingIsEnumerated()
    {
        var e = Assert.Throws<BpfException>(() => Attachments.DetachXdp(Query("v7"), _ => true));
        Assert.Equal(ErrorId.NoXdpProgram, e.ErrorId);
    }

    [Fact]
    public void ListingXdpAndTcOfAllReadsOneDumpAndOneFilterRequestPerBatch()
    {
        for (int n = 0; n < Count; n += 3)
            Fake.SetXdp($"v{n}", XdpAttachMode.Skb, Old, Ns);
        using AttachableProgram program = AttachableProgram.FromId(Tc);
        Attachments.Attach(program, new TcHookPoint(TcDirection.Ingress), Query("v1*"), force: false);
        int before = Calls(nameof(IBpfSystem.TcFilters));

        var xdp = Attachments.ListXdp(Ns);
        var tc = Attachments.ListTc(Ns);

        Assert.Equal(Enumerable.Range(0, Count).Where(n => n % 3 == 0).Select(n => $"v{n}"),
            xdp.Select(a => a.Interface));
        Assert.Equal(1, Calls(nameof(IBpfSystem.XdpStates)));
        Assert.Equal(111, tc.Count); // v1, v10-v19, v100-v199
        Assert.All(tc, a => Assert.Equal((Tc, "tc_new", TcDirection.Ingress), (a.ProgramId, a.ProgramName,
            a.Direction)));
        Assert.Equal(1, Calls(nameof(IBpfSystem.TcFiltersEach)));
        // Each hook of an interface with clsact once; the 90 without (and lo) are not asked.
        Assert.Equal(before + 2 * 111, Calls(nameof(IBpfSystem.TcFilters)));
        Assert.Equal(1, Calls(nameof(IBpfSystem.ClsactInterfaces)));
    }

    [Fact]
    public void QdiscMarkersArePrunedOncePerAttachNotOncePerQdisc()
    {
        using AttachableProgram program = AttachableProgram.FromId(Tc);
        Attachments.Attach(program, new TcHookPoint(TcDirection.Ingress), Query("v1?"), force: false);
        int before = Fake.Log(nameof(IBpfSystem.NetNamespaceExists)).Count;

        var done = Attachments.Attach(program, new TcHookPoint(TcDirection.Ingress), Query("v1??"), force: false);

        Assert.Equal(100, done.Count);
        Assert.Equal(110, Fake.QdiscMarkerFiles().Count);
        // One pass over the 10 markers there were, and the namespace entries: not a pass per qdisc made.
        Assert.InRange(Fake.Log(nameof(IBpfSystem.NetNamespaceExists)).Count - before, 10, 14);
    }
}
