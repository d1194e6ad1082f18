using System;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.TestNetwork;
using EbpfPs.Tests.Engine.Fleet;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.TestNetwork;

/// <summary>
/// Pair and Routed test networks made and rolled back against the fake kernel and fake host. The real-kernel flow
/// is in the New-/Get-/Remove-BpfTestNetwork Pester tests.
/// </summary>
public sealed class TestNetworkFakeTests : IDisposable
{
    private readonly FakeNetworkHost _net = new();

    public void Dispose() => _net.Dispose();

    [Fact]
    public void APairIsTwoNamespacesAndOneVethWithGroOnRecordedInTheFakesFolder()
    {
        BpfTestNetwork made = TestNetworks.Create("duo", TestTopology.Pair);

        FleetNetworkFakeTests.AssertInOrder(_net.Commands,
            "ip netns add duo-a",
            "ip -n duo-a link set lo up",
            "ip netns exec duo-a sysctl -qw net.ipv6.conf.all.disable_ipv6=1",
            "ip netns add duo-b",
            "ip link add veth-a netns duo-a type veth peer name veth-b netns duo-b",
            "ip -n duo-a addr add 198.18.0.1/24 dev veth-a",
            "ip -n duo-a link set veth-a up",
            "ip netns exec duo-a ethtool -K veth-a gro on",
            "ip -n duo-b addr add 198.18.0.2/24 dev veth-b",
            "ip netns exec duo-b ethtool -K veth-b gro on",
            "ip -n duo-a -j link show dev veth-a",
            "ip -n duo-b -j link show dev veth-b");
        Assert.Equal(new[] { "duo-a", "duo-b" }, _net.Kernel.NamespaceNames);
        Assert.Equal(_net.Kernel.Interface("veth-b", "duo-b").Index, made["B"].Ifindex);
        Assert.Equal("198.18.0.1", made["A"].Address);
        Assert.True(File.Exists(Path.Combine(_net.NetworksFolder, "duo.json")));
        Assert.Equal("duo", Assert.Single(TestNetworks.List()).Name);
    }

    [Fact]
    public void AFailedStepDeletesTheNamespacesMadeAndTheStateFileAndSaysWhichCommand()
    {
        _net.Host.On("ip netns exec duo-b ethtool -K veth-b gro on", "", exitCode: 1,
            error: "Cannot change generic-receive-offload");

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create("duo", TestTopology.Pair));

        Assert.Equal(ErrorId.TestNetworkCommandFailed, e.ErrorId);
        Assert.Contains("ethtool -K veth-b gro on", e.Message);
        Assert.Contains("generic-receive-offload", e.Message);
        FleetNetworkFakeTests.AssertInOrder(_net.Commands, "ip netns exec duo-b ethtool -K veth-b gro on",
            "ip netns del duo-a", "ip netns del duo-b");
        Assert.Empty(_net.Kernel.NamespaceNames);
        Assert.False(File.Exists(Path.Combine(_net.NetworksFolder, "duo.json")));
        Assert.Empty(TestNetworks.List());
    }

    [Fact]
    public void ANamespaceAfterItsFirstFailingIsNeverMadeAndOnlyTheMadeOnesAreDeleted()
    {
        _net.Host.On("ip netns add trio-r", "", exitCode: 1, error: "Cannot create namespace file");

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create("trio", TestTopology.Routed));

        Assert.Equal(ErrorId.TestNetworkCommandFailed, e.ErrorId);
        Assert.Equal(new[] { "ip netns del trio-a" },
            _net.Commands.Where(c => c.StartsWith("ip netns del", StringComparison.Ordinal)));
        Assert.DoesNotContain("ip netns add trio-b", _net.Commands);
        Assert.Empty(_net.Kernel.NamespaceNames);
        Assert.Empty(TestNetworks.List());
    }

    [Fact]
    public void ANameTakenByANamespaceIsRefusedBeforeAnythingIsMade()
    {
        _net.Kernel.AddNamespace("duo-b");

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create("duo", TestTopology.Pair));

        Assert.Equal(ErrorId.TestNetworkExists, e.ErrorId);
        Assert.Empty(_net.Commands);
        Assert.Equal(new[] { "duo-b" }, _net.Kernel.NamespaceNames);
        Assert.Empty(TestNetworks.List());
    }
}
