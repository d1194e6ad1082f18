using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.ProgramTests;
using EbpfPs.Engine.TestNetwork;
using Xunit;

namespace EbpfPs.Tests.Engine.TestNetwork;

/// <summary>Addressing across a test network, and the hook-neutral action of a verdict.</summary>
public sealed class TestNetworkPathTests
{
    private static BpfTestInterface If(string role, string mac, string address, string peer) =>
        new() { Role = role, Mac = mac, Address = address, PeerRole = peer };

    private static readonly BpfTestNetwork Routed = new()
    {
        Name = "lab",
        Topology = TestTopology.Routed,
        Interfaces = new[]
        {
            If("ClientA", "02:00:00:00:00:0a", "198.18.1.1", "RouterA"),
            If("RouterA", "02:00:00:00:01:0a", "198.18.1.254", "ClientA"),
            If("RouterB", "02:00:00:00:01:0b", "198.18.2.254", "ClientB"),
            If("ClientB", "02:00:00:00:00:0b", "198.18.2.1", "RouterB"),
        },
    };

    [Fact]
    public void AcrossARouterTheDestinationMacIsTheRoutersOnTheSendersLink()
    {
        TestNetworkPath path = TestNetworkPath.Between(Routed, "clienta", "ClientB");

        Assert.Equal(new TestNetworkPath("198.18.1.1", "198.18.2.1", "02:00:00:00:00:0a", "02:00:00:00:01:0a"), path);
    }

    [Fact]
    public void OnOneLinkTheDestinationMacIsThePeers()
    {
        TestNetworkPath path = TestNetworkPath.Between(Routed, "ClientB", "RouterB");

        Assert.Equal(("198.18.2.1", "198.18.2.254", "02:00:00:00:01:0b"), (path.Source, path.Destination,
            path.DestinationMac));
    }

    [Fact]
    public void AnUnknownRoleIsTestInterfaceNotFound()
    {
        var e = Assert.Throws<BpfException>(() => TestNetworkPath.Between(Routed, "ClientA", "ClientC"));
        Assert.Equal(ErrorId.TestInterfaceNotFound, e.ErrorId);
    }

    [Theory]
    [InlineData(true, 0, BpfAction.Aborted)]
    [InlineData(true, 1, BpfAction.Drop)]
    [InlineData(true, 2, BpfAction.Pass)]
    [InlineData(true, 3, BpfAction.Tx)]
    [InlineData(true, 4, BpfAction.Redirect)]
    [InlineData(true, 9, BpfAction.Unknown)]
    [InlineData(false, -1, BpfAction.Pass)]
    [InlineData(false, 0, BpfAction.Pass)]
    [InlineData(false, 2, BpfAction.Drop)]
    [InlineData(false, 3, BpfAction.Pass)]
    [InlineData(false, 4, BpfAction.Stolen)]
    [InlineData(false, 7, BpfAction.Redirect)]
    [InlineData(false, 8, BpfAction.Stolen)]
    [InlineData(false, 42, BpfAction.Unknown)]
    public void VerdictsOfBothHooksMapToOneAction(bool xdp, int code, BpfAction action) =>
        Assert.Equal(action, xdp ? ProgramTester.XdpAction(code) : ProgramTester.TcAction(code));

    [Fact]
    public void OwnershipIsThisProcessOnlyWithItsOwnStartTime()
    {
        BpfTestNetwork mine = new BpfTestNetwork { Name = "x" }.MadeHere();
        BpfTestNetwork reused = mine with { CreatorStartTicks = mine.CreatorStartTicks + 1 };
        BpfTestNetwork old = new() { Name = "y" };

        Assert.Equal(Environment.ProcessId, mine.CreatorProcessId);
        Assert.True(mine.Mine);
        Assert.True(mine.CreatorRunning);
        Assert.False(reused.Mine);
        Assert.False(reused.CreatorRunning);
        Assert.False(old.Mine);
        Assert.Null(old.CreatorRunning);
    }
}
