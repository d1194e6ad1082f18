using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.TestNetwork;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Fleet;

/// <summary>
/// A Fleet test network made, removed and rolled back against the fake kernel and fake host: which ip, ssh-keygen
/// and sshd commands run in which order, and what a failure part-way leaves (nothing). The real-kernel flow is
/// tests/Pester/Fleet.Tests.ps1.
/// </summary>
public sealed class FleetNetworkFakeTests : IDisposable
{
    private const string Name = "fleetx";
    private const string Root = "ebpfps-m42";
    private static readonly string[] Namespaces = { "fleetx-a", "fleetx-b", "fleetx-m", "fleetx-r1", "fleetx-r2" };
    private readonly FakeNetworkHost _net = new();

    public void Dispose() => _net.Dispose();

    private string Folder => Path.Combine(_net.NetworksFolder, Name);
    private string StateFile => Path.Combine(_net.NetworksFolder, Name + ".json");

    private static string Sshd(string router) =>
        $"nsenter --net=/run/netns/fleetx-{router} unshare --mount --propagation slave /bin/sh -c";

    [Fact]
    public void MakingOneRunsIpThenStartsEachRoutersSshdAndRecordsIt()
    {
        BpfTestNetwork made = TestNetworks.Create(Name, TestTopology.Fleet, 2);

        Assert.Equal(Root, made.RootInterface);
        Assert.Equal(new[] { "198.19.42.1", "198.19.42.2" }, made.Hosts.Select(h => h.HostName));
        Assert.Equal(new[] { _net.Sshds["fleetx-r1"].Sshd, _net.Sshds["fleetx-r2"].Sshd },
            made.Hosts.Select(h => h.SshdProcessId));
        Assert.Equal(8, made.Interfaces.Count);
        Assert.Equal(Namespaces.Order(StringComparer.Ordinal), _net.Kernel.NamespaceNames);
        Assert.True(_net.Kernel.HasInterface(Root));
        AssertInOrder(_net.Commands,
            "ip -4 -j addr show",
            "ip -4 -j route show table all",
            "ip netns add fleetx-a",
            "ip -n fleetx-a link set lo up",
            "ip netns exec fleetx-a sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1",
            "ip netns add fleetx-r2",
            "ip -n fleetx-m link add br0 type bridge",
            "ip link add r1 netns fleetx-m type veth peer name mgmt0 netns fleetx-r1",
            "ip -n fleetx-r1 addr add 198.19.42.1/24 dev mgmt0",
            "ip link add veth-a1 netns fleetx-a type veth peer name veth-ra netns fleetx-r1",
            "ip netns exec fleetx-r1 ethtool -K veth-ra gro on",
            "ip netns exec fleetx-r1 sysctl -qw net.ipv4.ip_forward=1",
            "ip -n fleetx-a route add 198.18.101.0/24 via 198.18.1.254",
            "ip netns exec fleetx-a ethtool -K veth-a1 tx off",
            "ip link add r2 netns fleetx-m type veth peer name mgmt0 netns fleetx-r2",
            "ip link add ebpfps-m42 type veth peer name uplink netns fleetx-m",
            "write /proc/sys/net/ipv6/conf/ebpfps-m42/disable_ipv6 1",
            "ip addr add 198.19.42.254/24 dev ebpfps-m42",
            "ip link set ebpfps-m42 up",
            $"/usr/bin/ssh-keygen -q -t ed25519 -N  -C ebpfps fleet fleetx -f {Folder}/client_key",
            $"/usr/bin/ssh-keygen -q -t ed25519 -N  -C fleetx r1 -f {Folder}/r1/host_key",
            $"/usr/bin/ssh-keygen -q -t ed25519 -N  -C fleetx r2 -f {Folder}/r2/host_key",
            Sshd("r1"),
            "connect 198.19.42.1:22",
            Sshd("r2"),
            "connect 198.19.42.2:22",
            "ip netns exec fleetx-a ping -c1 -W1 198.18.101.1",
            "ip netns exec fleetx-a ping -c1 -W1 198.18.102.1");
        // Nothing is stopped or deleted on the way.
        Assert.DoesNotContain(_net.Commands, c => c.StartsWith("kill", StringComparison.Ordinal)
            || c.Contains(" del", StringComparison.Ordinal));

        BpfTestNetwork recorded = TestNetworks.Get(Name);
        Assert.Equal(made.Hosts.Select(h => h.SshdProcessId), recorded.Hosts.Select(h => h.SshdProcessId));
        Assert.Equal(Namespaces, recorded.Namespaces);
        Assert.True(File.Exists(Path.Combine(Folder, "r2", "sshd_config")));
        Assert.StartsWith("restrict ssh-ed25519 ", File.ReadAllText(Path.Combine(Folder, "authorized_keys")));
        Assert.Contains("198.19.42.2 ssh-ed25519 ", File.ReadAllText(Path.Combine(Folder, "known_hosts")));
    }

    [Fact]
    public void RemovingOneStopsEachSshdWithItsSessionsAndDeletesWhatItMade()
    {
        TestNetworks.Create(Name, TestTopology.Fleet, 2);
        int before = _net.Commands.Count;

        TestNetworks.Remove(Name);

        IReadOnlyList<string> removal = _net.Commands.Skip(before).ToList();
        var (sshd1, session1) = _net.Sshds["fleetx-r1"];
        var (sshd2, session2) = _net.Sshds["fleetx-r2"];
        AssertInOrder(removal, $"kill -15 {sshd1}", $"kill -15 {session1}", $"kill -15 {sshd2}",
            $"kill -15 {session2}", "ip -n fleetx-m -j link show", "ip link del ebpfps-m42",
            "ip netns del fleetx-a", "ip netns del fleetx-b", "ip netns del fleetx-m", "ip netns del fleetx-r1",
            "ip netns del fleetx-r2");
        Assert.DoesNotContain(removal, c => c.StartsWith("kill -9", StringComparison.Ordinal));
        AssertNothingLeft();
    }

    [Fact]
    public void TheSecondRoutersSshdExitingRollsBackTheFirstsAndEverythingElse()
    {
        _net.SshdExitsAtOnce["fleetx-r2"] = "fatal: Cannot bind any address.";

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create(Name, TestTopology.Fleet, 2));

        Assert.Equal(ErrorId.FleetSshdFailed, e.ErrorId);
        Assert.Contains("r2 (198.19.42.2 in fleetx-r2)", e.Message);
        Assert.Contains("Cannot bind any address", e.Message);
        var (sshd1, session1) = _net.Sshds["fleetx-r1"];
        AssertInOrder(_net.Commands, Sshd("r1"), "connect 198.19.42.1:22", Sshd("r2"),
            $"kill -15 {sshd1}", $"kill -15 {session1}", "ip link del ebpfps-m42",
            "ip netns del fleetx-a", "ip netns del fleetx-r2");
        // The second never accepted connections: nothing was asked of it but its pid file.
        Assert.DoesNotContain("connect 198.19.42.2:22", _net.Commands);
        Assert.DoesNotContain(_net.Commands, c => c.Contains("ping", StringComparison.Ordinal));
        AssertNothingLeft();
    }

    [Fact]
    public void AnIpLinkAddFailingRollsBackTheNamespacesBeforeAnySshdStarts()
    {
        _net.Host.On("ip link add veth-a2 ", "", exitCode: 2, error: "RTNETLINK answers: File exists");

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create(Name, TestTopology.Fleet, 2));

        Assert.Equal(ErrorId.TestNetworkCommandFailed, e.ErrorId);
        Assert.Contains("ip link add veth-a2", e.Message);
        Assert.Contains("File exists", e.Message);
        Assert.DoesNotContain(_net.Commands, c => c.StartsWith("nsenter", StringComparison.Ordinal)
            || c.StartsWith("/usr/bin/ssh-keygen", StringComparison.Ordinal)
            || c.StartsWith("kill", StringComparison.Ordinal));
        // The session-side veth was never made, so there is none to delete.
        Assert.DoesNotContain(_net.Commands, c => c.StartsWith("ip link del", StringComparison.Ordinal));
        AssertInOrder(_net.Commands, "ip link add veth-a2 netns fleetx-a type veth peer name veth-ra netns fleetx-r2",
            "ip netns del fleetx-a", "ip netns del fleetx-b", "ip netns del fleetx-m", "ip netns del fleetx-r1",
            "ip netns del fleetx-r2");
        AssertNothingLeft();
    }

    [Fact]
    public void AMissingSshdIsRefusedBeforeAnythingIsMade()
    {
        _net.Host.Files.Remove("/usr/sbin/sshd");

        var e = Assert.Throws<BpfException>(() => TestNetworks.Create(Name, TestTopology.Fleet, 2));

        Assert.Equal(ErrorId.ToolNotFound, e.ErrorId);
        Assert.Empty(_net.Commands);
        Assert.False(File.Exists(StateFile));
    }

    /// <summary>No namespace, veth, folder or state file of the network is left, here or in the fake kernel.</summary>
    private void AssertNothingLeft()
    {
        Assert.Empty(_net.Kernel.NamespaceNames);
        Assert.False(_net.Kernel.HasInterface(Root));
        Assert.False(Directory.Exists(Folder));
        Assert.False(File.Exists(StateFile));
        Assert.Empty(TestNetworks.List());
        Assert.All(_net.Sshds.Values, p => Assert.False(_net.Host.Files.ContainsKey($"/proc/{p.Sshd}/stat")));
    }

    /// <summary>Each expected line starts some command, in this order (other commands may come between).</summary>
    internal static void AssertInOrder(IReadOnlyList<string> commands, params string[] expected)
    {
        int at = 0;
        foreach (string line in expected)
        {
            int found = -1;
            for (int i = at; i < commands.Count && found < 0; i++)
                if (commands[i].StartsWith(line, StringComparison.Ordinal))
                    found = i;
            Assert.True(found >= 0, $"'{line}' was not run after command {at}. Commands:\n" +
                string.Join('\n', commands.Select((c, i) => $"{i}: {c}")));
            at = found + 1;
        }
    }
}
