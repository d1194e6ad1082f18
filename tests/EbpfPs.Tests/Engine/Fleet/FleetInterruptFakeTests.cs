using System;
using System.IO;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.TestNetwork;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Fleet;

/// <summary>
/// Ctrl+C while a Fleet test network is made, against the fake host: the stop is asked for while a chosen command
/// runs, and whatever phase that is (namespaces, links, after the sshd started), the creation ends with
/// OperationCanceledException and leaves nothing. The real-kernel flow is tests/Pester/Fleet.Interrupt.Tests.ps1.
/// </summary>
public sealed class FleetInterruptFakeTests : IDisposable
{
    private const string Name = "fleetx";
    private readonly FakeNetworkHost _net = new();

    public void Dispose() => _net.Dispose();

    [Theory]
    // Making the namespaces, joining router 1, the last link step, resolving neighbours once every sshd runs.
    [InlineData("ip netns exec fleetx-a sysctl", false)]
    [InlineData("ip netns exec fleetx-r1 sysctl -qw net.ipv4.ip_forward=1", false)]
    [InlineData("ip netns exec fleetx-b ethtool -K veth-b2 tx off", false)]
    [InlineData("ip netns exec fleetx-a ping -c1 -W1 198.18.101.1", true)]
    [InlineData("ip netns exec fleetx-a ping -c1 -W1 198.18.102.1", true)]
    public void AStopAtAnyStepRemovesEverythingMadeSoFar(string stopAt, bool sshdRan)
    {
        using var stop = new CancellationTokenSource();
        _net.Host.On(stopAt, _ =>
        {
            stop.Cancel();
            return new ToolOutput(0, "", "");
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            TestNetworks.Create(Name, TestTopology.Fleet, 2, stop.Token));

        // Nothing after the stop but the rollback: no further sshd, key or link is made.
        int at = _net.Commands.ToList().FindIndex(c => c.StartsWith(stopAt, StringComparison.Ordinal));
        Assert.DoesNotContain(_net.Commands.Skip(at + 1), c => c.StartsWith("nsenter", StringComparison.Ordinal)
            || c.StartsWith("ip link add", StringComparison.Ordinal) || c.Contains("ssh-keygen"));
        Assert.Equal(sshdRan ? 2 : 0, _net.Sshds.Count);
        foreach (var (sshd, session) in _net.Sshds.Values)
            FleetNetworkFakeTests.AssertInOrder(_net.Commands.Skip(at).ToList(), $"kill -15 {sshd}",
                $"kill -15 {session}");
        Assert.Empty(_net.Kernel.NamespaceNames);
        Assert.False(_net.Kernel.HasInterface("ebpfps-m" + FakeNetworkHost.FreeSubnet));
        Assert.False(Directory.Exists(Path.Combine(_net.NetworksFolder, Name)));
        Assert.False(File.Exists(Path.Combine(_net.NetworksFolder, Name + ".json")));
        Assert.Empty(TestNetworks.List());
        Assert.All(_net.Sshds.Values, p => Assert.False(_net.Host.Files.ContainsKey($"/proc/{p.Sshd}/stat")));
    }

    [Fact]
    public void AStopAskedForBeforeItBeginsMakesNothingButTheRecordItRemoves()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            TestNetworks.Create(Name, TestTopology.Fleet, 2, stop.Token));

        Assert.DoesNotContain(_net.Commands, c => c.StartsWith("ip netns add", StringComparison.Ordinal));
        Assert.Empty(TestNetworks.List());
    }

    [Fact]
    public void APairStoppedWhileItsLinkIsMadeIsRemovedToo()
    {
        using var stop = new CancellationTokenSource();
        _net.Host.On("ip netns exec duo-b sysctl", _ =>
        {
            stop.Cancel();
            return new ToolOutput(0, "", "");
        });

        Assert.ThrowsAny<OperationCanceledException>(() => TestNetworks.Create("duo", TestTopology.Pair, null,
            stop.Token));

        Assert.DoesNotContain(_net.Commands, c => c.StartsWith("ip link add", StringComparison.Ordinal));
        Assert.Empty(_net.Kernel.NamespaceNames);
        Assert.Empty(TestNetworks.List());
    }
}
