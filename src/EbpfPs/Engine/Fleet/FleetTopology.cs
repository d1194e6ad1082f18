using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;

namespace EbpfPs.Engine.Fleet;

/// <summary>
/// The namespaces, veths, bridge, addresses and routes of a Fleet test network, made with iproute2 like the
/// other test networks. Client A (NAME-a) has veth-aI toward router I, client B (NAME-b) veth-bI; a packet from
/// client A to Hosts[I].DestinationAddress crosses router I.
/// </summary>
internal static class FleetTopology
{
    private const string Bridge = "br0", Uplink = "uplink", Management = "mgmt0";

    internal static void Build(BpfTestNetwork plan, CancellationToken cancel = default)
    {
        string a = plan.Name + "-a", b = plan.Name + "-b", m = plan.Name + "-m";
        foreach (string ns in plan.Namespaces)
        {
            cancel.ThrowIfCancellationRequested();
            Tools.Ip(null, "netns", "add", ns);
            Tools.Ip(ns, "link", "set", "lo", "up");
            // No IPv6: its router solicitations and DAD would be stray packets in every count.
            Exec(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        Tools.Ip(m, "link", "add", Bridge, "type", "bridge");
        Tools.Ip(m, "link", "set", Bridge, "up");

        int subnet = int.Parse(plan.Hosts[0].HostName.Split('.')[2]);
        for (int i = 1; i <= plan.Hosts.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            BpfFleetHost host = plan.Hosts[i - 1];
            string r = host.NetNamespace;
            Tools.Ip(null, "link", "add", "r" + i, "netns", m, "type", "veth", "peer", "name", Management, "netns", r);
            Tools.Ip(m, "link", "set", "r" + i, "master", Bridge, "up");
            Tools.Ip(r, "addr", "add", host.HostName + "/24", "dev", Management);
            Tools.Ip(r, "link", "set", Management, "up");

            Pair(a, "veth-a" + i, FleetAddressing.ClientA(i), r, "veth-ra", FleetAddressing.RouterA(i));
            Pair(r, "veth-rb", FleetAddressing.RouterB(i), b, "veth-b" + i, FleetAddressing.ClientB(i));
            Exec(r, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Tools.Ip(a, "route", "add", FleetAddressing.SubnetB(i), "via", FleetAddressing.RouterA(i));
            Tools.Ip(b, "route", "add", FleetAddressing.SubnetA(i), "via", FleetAddressing.RouterB(i));
            // Partial checksums do not survive an XDP redirect between veths.
            Exec(a, "ethtool", "-K", "veth-a" + i, "tx", "off");
            Exec(b, "ethtool", "-K", "veth-b" + i, "tx", "off");
        }

        cancel.ThrowIfCancellationRequested();
        // The one change to the session's own namespace: a veth with a connected /24 toward the bridge.
        string root = plan.RootInterface!;
        Tools.Ip(null, "link", "add", root, "type", "veth", "peer", "name", Uplink, "netns", m);
        Tools.Ip(m, "link", "set", Uplink, "master", Bridge, "up");
        Tools.WriteText($"/proc/sys/net/ipv6/conf/{root}/disable_ipv6", "1");
        Tools.Ip(null, "addr", "add", FleetAddressing.RootAddress(subnet) + "/24", "dev", root);
        Tools.Ip(null, "link", "set", root, "up");
    }

    /// <summary>True when the session-side veth is the one whose peer is in this network's bridge namespace.</summary>
    internal static bool OwnsRootInterface(BpfTestNetwork network)
    {
        string m = network.Name + "-m";
        if (network.RootInterface is null || !NetNamespace.Exists(m)
            || !NetInterfaces.ListHere(null).Any(i => i.Name == network.RootInterface))
            return false;
        using JsonDocument peer = JsonDocument.Parse(Tools.Ip(m, "-j", "link", "show"));
        int rootIndex = NetInterfaces.IndexOf(network.RootInterface, null);
        return peer.RootElement.EnumerateArray().Any(l => l.GetProperty("ifname").GetString() == Uplink
            && l.TryGetProperty("link_index", out JsonElement index) && index.GetInt32() == rootIndex);
    }

    /// <summary>Resolves neighbours up front so the first packets through a router are forwarded, not queued.</summary>
    internal static void ResolveNeighbours(BpfTestNetwork plan, CancellationToken cancel = default)
    {
        foreach (BpfFleetHost host in plan.Hosts)
        {
            cancel.ThrowIfCancellationRequested();
            Exec(plan.Name + "-a", "ping", "-c1", "-W1", host.DestinationAddress);
        }
    }

    internal static IReadOnlyList<BpfTestInterface> Describe(BpfTestNetwork plan)
    {
        var result = new List<BpfTestInterface>();
        for (int i = 1; i <= plan.Hosts.Count; i++)
        {
            string r = plan.Hosts[i - 1].NetNamespace;
            result.Add(Interface($"ClientA{i}", plan.Name + "-a", "veth-a" + i, FleetAddressing.ClientA(i),
                $"Router{i}A", client: true));
            result.Add(Interface($"Router{i}A", r, "veth-ra", FleetAddressing.RouterA(i), $"ClientA{i}", false));
            result.Add(Interface($"Router{i}B", r, "veth-rb", FleetAddressing.RouterB(i), $"ClientB{i}", false));
            result.Add(Interface($"ClientB{i}", plan.Name + "-b", "veth-b" + i, FleetAddressing.ClientB(i),
                $"Router{i}B", client: true));
        }
        return result;
    }

    private static BpfTestInterface Interface(string role, string ns, string dev, string address, string peer,
        bool client)
    {
        using JsonDocument doc = JsonDocument.Parse(Tools.Ip(ns, "-j", "link", "show", "dev", dev));
        JsonElement link = doc.RootElement[0];
        return new BpfTestInterface
        {
            Role = role, NetNamespace = ns, Interface = dev, Ifindex = link.GetProperty("ifindex").GetInt32(),
            Mac = link.GetProperty("address").GetString() ?? "", Address = address, PrefixLength = 24,
            PeerRole = peer, Gro = true, TxChecksumOffload = !client,
        };
    }

    private static void Pair(string nsA, string ifA, string addrA, string nsB, string ifB, string addrB)
    {
        Tools.Ip(null, "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        foreach (var (ns, dev, addr) in new[] { (nsA, ifA, addrA), (nsB, ifB, addrB) })
        {
            Tools.Ip(ns, "addr", "add", addr + "/24", "dev", dev);
            Tools.Ip(ns, "link", "set", dev, "up");
            // Without GRO (or an XDP program) a veth silently drops frames redirected into it by XDP.
            Exec(ns, "ethtool", "-K", dev, "gro", "on");
        }
    }

    private static void Exec(string ns, string file, params string[] args) => Tools.InNamespace(ns, file, args);
}
