using System.Linq;
using System.Net;
using EbpfPs.Engine.Fleet;
using Xunit;

namespace EbpfPs.Tests.Engine.Fleet;

/// <summary>Fleet networks' address choice and the sshd and subsystem files they write.</summary>
public class FleetTests
{
    [Fact]
    public void PicksOnly198_19Slash24sThatNothingUsesAndWhoseInterfaceNameIsFree()
    {
        var inUse = new[]
        {
            (IPAddress.Parse("0.0.0.0"), 0),        // a default route is no conflict
            (IPAddress.Parse("198.19.7.254"), 24),  // another fleet's veth
            (IPAddress.Parse("198.19.16.0"), 20),   // a wider route covers 198.19.16-31
            (IPAddress.Parse("192.0.2.2"), 24),
        };
        var free = FleetAddressing.FreeSubnets(inUse, new[] { "eth0", "ebpfps-m9" });
        Assert.DoesNotContain(7, free);
        Assert.DoesNotContain(9, free);
        Assert.DoesNotContain(16, free);
        Assert.DoesNotContain(31, free);
        Assert.Contains(32, free);
        Assert.Contains(1, free);
        Assert.Equal(254 - 2 - 16, free.Count);
    }

    [Fact]
    public void A198_19Slash16InUseLeavesNothing() =>
        Assert.Empty(FleetAddressing.FreeSubnets(new[] { (IPAddress.Parse("198.19.0.0"), 16) }, new string[0]));

    [Fact]
    public void RoutersSitOnSeparateSubnetsTowardEachClient()
    {
        Assert.Equal("198.18.3.254", FleetAddressing.RouterA(3));
        Assert.Equal("198.18.103.1", FleetAddressing.ClientB(3));
        Assert.Equal("198.18.103.0/24", FleetAddressing.SubnetB(3));
        Assert.Equal("ebpfps-m42", FleetAddressing.RootInterface(42));
    }

    [Fact]
    public void SshdListensOnTheRouterOnlyAndLetsInTheNetworksKeyOnly()
    {
        string[] config = FleetSsh.SshdConfig("198.19.5.2", "/run/ebpfps/networks/n/r2", "/run/ebpfps/networks/n",
            "root").Split('\n');
        Assert.Single(config, l => l.StartsWith("ListenAddress"));
        Assert.Contains("ListenAddress 198.19.5.2:22", config);
        Assert.Contains("PasswordAuthentication no", config);
        Assert.Contains("AuthorizedKeysFile /run/ebpfps/networks/n/authorized_keys", config);
        Assert.Contains("PidFile /run/ebpfps/networks/n/r2/sshd.pid", config);
        Assert.Contains("Subsystem powershell /run/ebpfps/networks/n/pwsh-sshs", config);
        Assert.Contains("AllowUsers root", config);
    }

    [Fact]
    public void TheSubsystemRunsTheGivenPwshQuotedForSh()
    {
        string wrapper = FleetSsh.SubsystemWrapper("n", new[] { "/usr/share/dotnet/dotnet", "/a b/it's/pwsh.dll" },
            "/home/ci");
        Assert.Contains("\nexport HOME='/home/ci'\n", wrapper);
        string exec = wrapper.Split('\n').Single(l => l.StartsWith("exec "));
        Assert.Equal("exec '/usr/share/dotnet/dotnet' '/a b/it'\\''s/pwsh.dll' -sshs -NoLogo -NoProfile", exec);
        Assert.StartsWith("#!/bin/sh\n", wrapper);
    }

    [Fact]
    public void ClientOptionsKeepTheUsersKnownHostsOutOfIt()
    {
        var options = FleetSsh.ClientOptions("/run/ebpfps/networks/n/known_hosts");
        Assert.Equal("/run/ebpfps/networks/n/known_hosts", options["UserKnownHostsFile"]);
        Assert.Equal("yes", options["StrictHostKeyChecking"]);
        Assert.Equal("/dev/null", options["GlobalKnownHostsFile"]);
    }
}
