using System.Linq;
using EbpfPs.Commands;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// Upgrades.LoadFor against the fake kernel: which running programs an attach load takes maps from (only with
/// -Force, only at the hook and interfaces asked, in their namespace). The real-kernel side is Upgrade.Tests.ps1.
/// </summary>
public sealed class UpgradesTests : FakeKernelTest
{
    private const uint OldGuard = 10, OtherXdp = 11, Filter = 40, EgressFilter = 41;

    public UpgradesTests()
    {
        Fake.AddProgram(OldGuard, "guard_xdp", BpfProgType.Xdp).AddProgram(OtherXdp, "other", BpfProgType.Xdp)
            .AddProgram(Filter, "guard_tc", BpfProgType.SchedCls)
            .AddProgram(EgressFilter, "guard_tc", BpfProgType.SchedCls);
        Fake.AddNamespace("ns-a");
        foreach (string name in new[] { "veth0", "veth1", "veth2" })
            Fake.AddInterface(name, "ns-a");
        Fake.SetXdp("veth0", XdpAttachMode.Drv, OldGuard, "ns-a").SetXdp("veth2", XdpAttachMode.Skb, OtherXdp, "ns-a");
        Fake.AddFilter("veth1", TcAttachPoint.Ingress, new FakeFilter(1, 1, Filter), "ns-a")
            .AddFilter("veth1", TcAttachPoint.Egress, new FakeFilter(1, 1, EgressFilter), "ns-a");
    }

    private static InterfaceQuery Query(params string[] names) => new(names, "ns-a", Wildcards.InterfaceMatcher);

    [Fact]
    public void WithoutForceNothingIsReplacedSoNoMapIsTakenFromARunningProgram()
    {
        Assert.Empty(Upgrades.LoadFor(new XdpHookPoint(XdpMode.Auto), force: false, new[] { Query("veth*") })
            .Replacing);
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void ForceTakesTheProgramsRunningAtTheHookOnTheInterfacesAsked()
    {
        AttachLoad xdp = Upgrades.LoadFor(new XdpHookPoint(XdpMode.Auto), force: true, new[] { Query("veth0") });
        Assert.Equal(new[] { OldGuard }, xdp.Replacing);
        AttachLoad all = Upgrades.LoadFor(new XdpHookPoint(XdpMode.Auto), force: true, new[] { Query("veth*") });
        Assert.Equal(new[] { OldGuard, OtherXdp }, all.Replacing.OrderBy(id => id));
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void AtTcOnlyTheDirectionAskedCounts()
    {
        AttachLoad ingress = Upgrades.LoadFor(new TcHookPoint(TcDirection.Ingress), force: true,
            new[] { Query("veth1") });
        Assert.Equal(new[] { Filter }, ingress.Replacing);
        AttachLoad egress = Upgrades.LoadFor(new TcHookPoint(TcDirection.Egress), force: true,
            new[] { Query("veth*") });
        Assert.Equal(new[] { EgressFilter }, egress.Replacing);
    }
}
