using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.Fleet;

/// <summary>
/// Fleet test networks: N router namespaces NAME-r1..rN between two shared clients NAME-a and NAME-b, each
/// router with its own sshd, reached from the session's namespace through one veth pair into a bridge in
/// NAME-m. Whatever a failed or stopped creation made is removed again, and removal stops every sshd it started.
/// </summary>
public static class FleetNetworks
{
    public const int MaxHosts = FleetAddressing.MaxHosts;

    /// <summary>
    /// Makes the fleet; cancel (Ctrl+C) is looked at between steps and rolls back like a failure, so a stopped
    /// creation leaves no namespace, sshd, key or state file behind.
    /// </summary>
    internal static BpfTestNetwork Create(string name, int count, CancellationToken cancel = default)
    {
        if (count < 1 || count > MaxHosts)
            throw new BpfException(ErrorId.InvalidFleetSize,
                $"A Fleet test network has 1 to {MaxHosts} routers, not {count}.", count);
        FleetSsh.RequireTools();
        string folder = FolderOf(name);
        BpfTestNetwork plan = Plan(name, count, PickSubnet(), folder);
        // Every namespace in the plan must be new: removal and rollback delete them all.
        string? taken = plan.Namespaces.FirstOrDefault(NetNamespace.Exists)
            ?? (Directory.Exists(folder) ? folder : null);
        if (taken is not null)
            throw new BpfException(ErrorId.TestNetworkExists,
                $"A test network named '{name}' cannot be made: {taken} exists already.", name);
        // Remembered before anything is made, so even a session killed half-way leaves a network Remove can undo;
        // the record claims the name (a file of that name made meanwhile is TestNetworkExists, before the try).
        TestNetworkState.Create(plan);
        try
        {
            Directory.CreateDirectory(folder);
            FleetSsh.SetMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // sshd's StrictModes refuses keys below a folder others may write to (say, made under umask 0).
            FleetSsh.RemoveWriteByOthers(TestNetworks.StateDirectory);
            FleetSsh.RemoveWriteByOthers(Path.GetDirectoryName(TestNetworks.StateDirectory)!);
            FleetTopology.Build(plan, cancel);
            BpfTestNetwork made = StartHosts(plan, cancel) with { Interfaces = FleetTopology.Describe(plan) };
            FleetTopology.ResolveNeighbours(plan, cancel);
            TestNetworkState.Update(made);
            // A stop that came during the last step still wins: the caller will not get the network to remove.
            cancel.ThrowIfCancellationRequested();
            return made;
        }
        catch
        {
            try
            {
                Remove(plan);
            }
            catch (BpfException)
            {
                // Best effort, like every rollback: the failure that caused it is what the caller needs to see.
            }
            throw;
        }
    }

    /// <summary>Stops every router's sshd and its sessions, then deletes the veth, namespaces, keys, state.</summary>
    internal static void Remove(BpfTestNetwork network)
    {
        foreach (BpfFleetHost host in network.Hosts)
            FleetSsh.Stop(host);
        // Only the veth whose peer is in this network's bridge namespace: another fleet may own one of that name.
        if (FleetTopology.OwnsRootInterface(network))
            Tools.Ip(null, "link", "del", network.RootInterface!);
        foreach (string ns in network.Namespaces)
            TestNetworks.RemoveNamespace(ns);
        // The folder is where Create puts it, not where the state file says: the file is not trusted with a path.
        string folder = FolderOf(network.Name);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        TestNetworkState.Delete(network.Name);
    }

    private static string FolderOf(string name) => Path.Combine(TestNetworks.StateDirectory, name);

    private static BpfTestNetwork Plan(string name, int count, int subnet, string folder)
    {
        string user = Environment.UserName;
        var hosts = Enumerable.Range(1, count).Select(i =>
        {
            string hostFolder = Path.Combine(folder, "r" + i);
            return new BpfFleetHost
            {
                Name = "r" + i,
                HostName = FleetAddressing.HostAddress(subnet, i),
                NetNamespace = $"{name}-r{i}",
                Interfaces = new[] { "veth-ra", "veth-rb" },
                SourceAddress = FleetAddressing.ClientA(i),
                DestinationAddress = FleetAddressing.ClientB(i),
                SshdConfigPath = Path.Combine(hostFolder, "sshd_config"),
                SshdPidFile = Path.Combine(hostFolder, "sshd.pid"),
                SshdLogPath = Path.Combine(hostFolder, "sshd.log"),
            };
        }).ToArray();
        return new BpfTestNetwork
        {
            Name = name,
            Topology = TestTopology.Fleet,
            Namespaces = new[] { name + "-a", name + "-b", name + "-m" }.Concat(hosts.Select(h => h.NetNamespace))
                .ToArray(),
            Hosts = hosts,
            UserName = user,
            KeyFilePath = Path.Combine(folder, "client_key"),
            SshOptions = FleetSsh.ClientOptions(Path.Combine(folder, "known_hosts")),
            RootInterface = FleetAddressing.RootInterface(subnet),
            StateFolder = folder,
            CreatedAt = DateTime.Now,
            Changes = new[]
            {
                $"One veth pair from this namespace ({FleetAddressing.RootInterface(subnet)}, " +
                    $"{FleetAddressing.RootAddress(subnet)}/24) into a bridge in {name}-m that reaches each " +
                    "router's sshd; no other address or route here",
                "IPv6 off in every namespace and on that veth (no neighbour discovery traffic in the counts)",
                "GRO on for every veth; TX checksum offload off on the clients; IPv4 forwarding on in each router",
                $"An sshd per router ({user}, key only, PowerShell subsystem), in a mount namespace of its own " +
                    "with its own /sys and bpffs",
            },
        }.MadeHere();
    }

    private static BpfTestNetwork StartHosts(BpfTestNetwork plan, CancellationToken cancel)
    {
        string folder = plan.StateFolder!;
        string clientKey = FleetSsh.NewKey(plan.KeyFilePath!, $"ebpfps fleet {plan.Name}");
        FleetSsh.WritePrivate(Path.Combine(folder, "authorized_keys"), "restrict " + clientKey + "\n");
        FleetSsh.WritePrivate(Path.Combine(folder, "pwsh-sshs"),
            FleetSsh.SubsystemWrapper(plan.Name, FleetSsh.PwshCommand(),
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var knownHosts = new List<string>();
        foreach (BpfFleetHost host in plan.Hosts)
        {
            cancel.ThrowIfCancellationRequested();
            string hostFolder = Path.GetDirectoryName(host.SshdConfigPath)!;
            Directory.CreateDirectory(hostFolder);
            string hostKey = FleetSsh.NewKey(Path.Combine(hostFolder, "host_key"), $"{plan.Name} {host.Name}");
            knownHosts.Add(host.HostName + " " + string.Join(' ', hostKey.Split(' ').Take(2)));
            FleetSsh.WritePrivate(host.SshdConfigPath,
                FleetSsh.SshdConfig(host.HostName, hostFolder, folder, plan.UserName!));
        }
        FleetSsh.WritePrivate(plan.SshOptions!["UserKnownHostsFile"], string.Join('\n', knownHosts) + "\n");

        var started = new List<BpfFleetHost>();
        foreach (BpfFleetHost host in plan.Hosts)
        {
            // Only between hosts: a stop inside Start could leave an sshd whose pid file is not written yet.
            cancel.ThrowIfCancellationRequested();
            started.Add(host with { SshdProcessId = FleetSsh.Start(host) });
            TestNetworkState.Update(plan with { Hosts = started.Concat(plan.Hosts.Skip(started.Count)).ToArray() });
        }
        return plan with { Hosts = started };
    }

    /// <summary>A /24 of 198.19.0.0/16 that this namespace uses for nothing, picked at random among the free.</summary>
    private static int PickSubnet()
    {
        var inUse = new List<(IPAddress, int)>();
        using (JsonDocument addrs = JsonDocument.Parse(Tools.Ip(null, "-4", "-j", "addr", "show")))
            foreach (JsonElement link in addrs.RootElement.EnumerateArray())
                if (link.TryGetProperty("addr_info", out JsonElement infos))
                    foreach (JsonElement a in infos.EnumerateArray())
                        inUse.Add((IPAddress.Parse(a.GetProperty("local").GetString()!),
                            a.GetProperty("prefixlen").GetInt32()));
        using (JsonDocument routes = JsonDocument.Parse(Tools.Ip(null, "-4", "-j", "route", "show", "table",
            "all")))
            foreach (JsonElement r in routes.RootElement.EnumerateArray())
                if (r.GetProperty("dst").GetString() is string dst && dst != "default")
                {
                    string[] parts = dst.Split('/');
                    if (IPAddress.TryParse(parts[0], out IPAddress? a))
                        inUse.Add((a, parts.Length > 1 ? int.Parse(parts[1]) : 32));
                }
        IReadOnlyList<int> free = FleetAddressing.FreeSubnets(inUse, NetInterfaces.ListHere(null).Select(i => i.Name));
        if (free.Count == 0)
            throw new BpfException(ErrorId.FleetAddressesExhausted,
                "Every /24 of 198.19.0.0/16 is in use in this network namespace; no fleet can be reached from here.",
                "198.19.0.0/16", recommendedAction: "Remove fleet test networks that are no longer needed.");
        return free[Random.Shared.Next(free.Count)];
    }
}
