using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Pinning;
using EbpfPs.Engine.Fleet;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.TestNetwork;

/// <summary>
/// Makes and removes test networks with iproute2 and ethtool, which every machine we run on has.
/// Each network is remembered in /run/ebpfps/networks so a later session can list and remove it.
/// Addresses come from 198.18.0.0/15 (RFC 2544's benchmarking range) and never leave the namespaces.
/// </summary>
public static class TestNetworks
{
    /// <summary>Where the networks' state files are (/run/ebpfps/networks).</summary>
    public static string StateDirectory => TestNetworkState.Folder;

    private sealed record Link(string RoleA, string NsA, string IfA, string AddrA, string RoleB, string NsB,
        string IfB, string AddrB);

    /// <summary>
    /// Makes a network; cancel (the cmdlet's Ctrl+C) is looked at between steps, and a stopped creation removes
    /// what it made, as a failed one does.
    /// </summary>
    public static BpfTestNetwork Create(string? name, TestTopology topology, int? count = null,
        CancellationToken cancel = default)
    {
        if (count is not null && topology != TestTopology.Fleet)
            throw new BpfException(ErrorId.CountNeedsFleet,
                $"-Count sets the number of routers of a Fleet test network; a {topology} network has fixed parts.",
                count);
        name ??= "ebpfps-" + Guid.NewGuid().ToString("N")[..8];
        TestNetworkState.ValidateName(name);
        if (topology == TestTopology.Fleet)
            return FleetNetworks.Create(name, count ?? 3, cancel);

        string a = name + "-a", b = name + "-b", r = name + "-r";
        var namespaces = topology == TestTopology.Pair ? new[] { a, b } : new[] { a, r, b };
        if (TestNetworkState.Exists(name) || namespaces.Any(NetNamespace.Exists))
            throw new BpfException(ErrorId.TestNetworkExists,
                $"A test network named '{name}' (or a namespace it would make) already exists.", name);
        var links = topology == TestTopology.Pair
            ? new[] { new Link("A", a, "veth-a", "198.18.0.1", "B", b, "veth-b", "198.18.0.2") }
            : new[]
            {
                new Link("ClientA", a, "veth-a", "198.18.1.1", "RouterA", r, "veth-ra", "198.18.1.254"),
                new Link("RouterB", r, "veth-rb", "198.18.2.254", "ClientB", b, "veth-b", "198.18.2.1"),
            };
        var changes = new List<string>();
        var made = new List<string>();
        // The record comes first and claims the name: a session killed half-way leaves a network that
        // Remove-BpfTestNetwork finds and removes, since it removes only what a record names.
        TestNetworkState.Create(new BpfTestNetwork { Name = name, Topology = topology, Namespaces = namespaces }
            .MadeHere());
        try
        {
            foreach (string ns in namespaces)
            {
                cancel.ThrowIfCancellationRequested();
                Tools.Ip(null, "netns", "add", ns);
                made.Add(ns);
                Tools.Ip(ns, "link", "set", "lo", "up");
                // No IPv6: its router solicitations and DAD would be stray packets in every count.
                Tools.InNamespace(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            }
            changes.Add("IPv6 off in every namespace (no neighbour discovery traffic in the counts)");
            foreach (Link l in links)
            {
                cancel.ThrowIfCancellationRequested();
                Tools.Ip(null, "link", "add", l.IfA, "netns", l.NsA, "type", "veth", "peer", "name", l.IfB, "netns",
                    l.NsB);
                foreach (var (ns, dev, addr) in new[] { (l.NsA, l.IfA, l.AddrA), (l.NsB, l.IfB, l.AddrB) })
                {
                    Tools.Ip(ns, "addr", "add", addr + "/24", "dev", dev);
                    Tools.Ip(ns, "link", "set", dev, "up");
                    // Without GRO (or an XDP program) a veth silently drops frames redirected into it by XDP.
                    Tools.InNamespace(ns, "ethtool", "-K", dev, "gro", "on");
                }
            }
            changes.Add("GRO on for every veth (XDP-redirected frames are dropped by a veth with neither GRO nor an " +
                "XDP program)");
            if (topology == TestTopology.Routed)
            {
                Tools.InNamespace(r, "sysctl", "-qw", "net.ipv4.ip_forward=1");
                Tools.Ip(a, "route", "add", "default", "via", "198.18.1.254");
                Tools.Ip(b, "route", "add", "default", "via", "198.18.2.254");
                foreach (var (ns, dev) in new[] { (a, "veth-a"), (b, "veth-b") })
                    Tools.InNamespace(ns, "ethtool", "-K", dev, "tx", "off");
                changes.Add("IPv4 forwarding on in the router namespace; default routes on the clients via the router");
                changes.Add("TX checksum offload off on the clients " +
                    "(partial checksums do not survive an XDP redirect between veths)");
                // Resolve neighbours up front so the first packets of a test are forwarded, not queued.
                Tools.InNamespace(a, "ping", "-c1", "-W1", "198.18.1.254");
                Tools.InNamespace(b, "ping", "-c1", "-W1", "198.18.2.254");
                Tools.InNamespace(a, "ping", "-c1", "-W1", "198.18.2.1");
            }

            var network = new BpfTestNetwork
            {
                Name = name,
                Topology = topology,
                Namespaces = namespaces,
                Interfaces = Describe(links, topology),
                CreatedAt = DateTime.Now,
                Changes = changes,
            }.MadeHere();
            TestNetworkState.Update(network);
            cancel.ThrowIfCancellationRequested();
            return network;
        }
        catch
        {
            foreach (string ns in made)
                RemoveNamespace(ns);
            TestNetworkState.Delete(name);
            throw;
        }
    }

    /// <summary>
    /// The networks made here or by an earlier session that still exist; a state file that is not one is skipped
    /// (skipped says which), so one bad file does not hide the others.
    /// </summary>
    public static IReadOnlyList<BpfTestNetwork> List(Action<string>? skipped = null) =>
        TestNetworkState.ReadAll(skipped);

    public static BpfTestNetwork Get(string name) => TestNetworkState.Read(name);

    /// <summary>
    /// Deletes the namespaces the network's state file records (their veths go with them) and the file: the name
    /// is checked like New-BpfTestNetwork's, and nothing without a state file is touched, whatever its name.
    /// </summary>
    public static void Remove(string name)
    {
        BpfTestNetwork network = TestNetworkState.Read(name);
        IReadOnlyCollection<uint> programs = ProgramsWithPrivatePins(network.Namespaces);
        if (network.Topology == TestTopology.Fleet)
            FleetNetworks.Remove(network);
        else
        {
            foreach (string ns in network.Namespaces)
                RemoveNamespace(ns);
            TestNetworkState.Delete(name);
        }
        // The programs go with the namespaces' interfaces once the kernel has cleaned the namespaces up; the
        // private pins of built-ins attached there go with them.
        if (programs.Count > 0)
            PrivatePins.Sweep(programs, Poll.NamespaceTeardown);
    }

    /// <summary>The programs attached in the namespaces that have a private pin folder (built-ins, say).</summary>
    private static IReadOnlyCollection<uint> ProgramsWithPrivatePins(IEnumerable<string> namespaces)
    {
        var ids = new HashSet<uint>();
        if (!Directory.Exists(PrivatePins.Root) || !NativeRuntime.LibbpfPresent)
            return ids;
        foreach (string ns in namespaces.Where(NetNamespace.Exists))
        {
            try
            {
                ids.UnionWith(Attachments.ListXdp(ns).Select(a => a.ProgramId));
                ids.UnionWith(Attachments.ListTc(ns).Select(a => a.ProgramId));
            }
            catch (BpfException)
            {
                // Listing is only to tidy up after the programs; the namespace goes anyway.
            }
        }
        ids.RemoveWhere(id => PrivatePins.FolderOf(id) is null);
        return ids;
    }

    internal static void RemoveNamespace(string ns)
    {
        if (!NetNamespace.Exists(ns))
            return;
        Attachments.ForgetNamespace(ns);
        Tools.Ip(null, "netns", "del", ns);
    }

    private static IReadOnlyList<BpfTestInterface> Describe(IEnumerable<Link> links, TestTopology topology)
    {
        var result = new List<BpfTestInterface>();
        foreach (Link l in links)
            foreach (var (role, ns, dev, addr, peer) in new[] { (l.RoleA, l.NsA, l.IfA, l.AddrA, l.RoleB),
                (l.RoleB, l.NsB, l.IfB, l.AddrB, l.RoleA) })
            {
                using JsonDocument doc = JsonDocument.Parse(Tools.Ip(ns, "-j", "link", "show", "dev", dev));
                JsonElement link = doc.RootElement[0];
                bool client = topology == TestTopology.Routed && role.StartsWith("Client", StringComparison.Ordinal);
                result.Add(new BpfTestInterface
                {
                    Role = role, NetNamespace = ns, Interface = dev, Ifindex = link.GetProperty("ifindex").GetInt32(),
                    Mac = link.GetProperty("address").GetString() ?? "", Address = addr, PrefixLength = 24,
                        PeerRole = peer,
                    Gro = true, TxChecksumOffload = !client,
                });
            }
        return result;
    }
}
