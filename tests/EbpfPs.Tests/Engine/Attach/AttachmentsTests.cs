using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Commands;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// The one entry point: names resolved inside the namespace, the caller's confirmation asked per interface before
/// anything changes, the hook point deciding XDP or TC, and XDP detach by name or pattern.
/// </summary>
public sealed class AttachmentsTests : FakeKernelTest
{
    private const uint Xdp = 20, Tc = 40, Old = 10;

    public AttachmentsTests()
    {
        Fake.AddProgram(Xdp, "xdp_new", BpfProgType.Xdp).AddProgram(Tc, "tc_new", BpfProgType.SchedCls)
            .AddProgram(Old, "old", BpfProgType.Xdp);
        Fake.AddNamespace("ns-a");
        foreach (string name in new[] { "veth0", "veth1", "veth2", "lo9" })
            Fake.AddInterface(name, "ns-a");
    }

    private static InterfaceQuery Query(params string[] names) => new(names, "ns-a", Wildcards.InterfaceMatcher);

    [Fact]
    public void PatternsResolveInsideTheNamespaceAndOnlyConfirmedInterfacesAreAttached()
    {
        using AttachableProgram program = AttachableProgram.FromId(Xdp);
        var asked = new List<NetInterface>();

        var done = Attachments.Attach(program, new XdpHookPoint(XdpMode.Generic), Query("veth*"), force: false,
            i => { asked.Add(i); return i.Name != "veth1"; });

        Assert.Equal(new[] { "veth0", "veth1", "veth2" }, asked.Select(i => i.Name));
        Assert.All(asked, i => Assert.Equal("ns-a", i.NetNamespace));
        Assert.Equal(new[] { "veth0", "veth2" }, done.Select(a => a.Interface));
        Assert.All(done, a => Assert.IsType<XdpAttachment>(a));
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("veth1", "ns-a"));
        Assert.Equal((0u, Xdp, 0u), Fake.XdpOf("veth2", "ns-a"));
    }

    [Fact]
    public void NothingConfirmedChangesNothing()
    {
        using AttachableProgram program = AttachableProgram.FromId(Xdp);

        var done = Attachments.Attach(program, new XdpHookPoint(XdpMode.Native), Query("veth0"), false, _ => false);

        Assert.Empty(done);
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void ATcHookPointAttachesAFilterAndDetachingTheRecordRemovesItAndTheQdiscItMade()
    {
        using AttachableProgram program = AttachableProgram.FromId(Tc);

        var a = (TcAttachment)Assert.Single(Attachments.Attach(program, new TcHookPoint(TcDirection.Egress),
            Query("veth0"), force: false));
        Assert.Equal(("veth0", "ns-a", TcDirection.Egress, TcMode.Filter), (a.Interface, a.NetNamespace, a.Direction,
            a.Mode));
        Assert.True(a.CreatedQdisc);

        using (var sweep = new PinSweep())
            Attachments.Detach(a, sweep);
        Assert.False(Fake.Interface("veth0", "ns-a").Clsact);
    }

    [Fact]
    public void TcxTakesNoPriorityOrHandle()
    {
        var e = Assert.Throws<BpfException>(() => new TcHookPoint(TcDirection.Ingress, TcMode.Tcx, priority: 3));
        Assert.Equal(ErrorId.TcxHasNoPriority, e.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, e.Kind);
        Assert.Throws<BpfException>(() => new TcHookPoint(TcDirection.Egress, TcMode.Tcx, handle: 1));
        Assert.Equal(7u, new TcHookPoint(TcDirection.Ingress, TcMode.Filter, 7, 1).Priority);
    }

    [Fact]
    public void DetachXdpByPatternSkipsInterfacesWithoutAProgramAndAnExactNameWithoutOneIsAnError()
    {
        Fake.SetXdp("veth0", XdpAttachMode.Skb, Old, "ns-a").SetXdp("veth2", XdpAttachMode.Drv, Old, "ns-a");
        var skipped = new List<string>();

        var gone = Attachments.DetachXdp(Query("veth*"), _ => true, i => skipped.Add(i.Name));

        Assert.Equal(new[] { "veth0", "veth2" }, gone.Select(g => g.Interface));
        Assert.Equal(new[] { "veth1" }, skipped);
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("veth0", "ns-a"));
        var none = Assert.Throws<BpfException>(() => Attachments.DetachXdp(Query("veth1"), _ => true));
        Assert.Equal(ErrorId.NoXdpProgram, none.ErrorId);
    }

    [Fact]
    public void WhereAProgramRunsIsFoundPerModeAndFilter()
    {
        Fake.SetXdp("veth0", XdpAttachMode.Drv, Old, "ns-a").SetXdp("veth1", XdpAttachMode.Skb, Xdp, "ns-a");

        IHookAttachment found = Assert.Single(Attachments.OfProgram(Old, "ns-a"));

        var x = Assert.IsType<XdpAttachment>(found);
        Assert.Equal(("veth0", XdpMode.Native), (x.Interface, x.Mode));
        Attachments.Detach(x);
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("veth0", "ns-a"));
        Assert.Equal((0u, Xdp, 0u), Fake.XdpOf("veth1", "ns-a"));
    }
}
