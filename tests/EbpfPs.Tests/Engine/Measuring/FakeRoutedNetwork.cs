using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// A Routed test network that exists only in the fakes: its namespaces and veths in a FakeBpfSystem, its offloads
/// and neighbour tables in a FakeHostTools that answers `ethtool -k/-K` and `ip neigh` as the machine would, and
/// changes its answers when a command sets something, so a flow that reads back what it set sees it.
/// </summary>
internal sealed class FakeRoutedNetwork
{
    public const uint PassProgram = 50, DropProgram = 51;
    public const string Name = "mfake";

    // role, namespace, interface, address, MAC
    private static readonly (string Role, string Ns, string Dev, string Address, string Mac)[] Layout =
    {
        ("ClientA", Name + "-a", "veth-a", "198.18.1.1", "02:00:00:00:01:01"),
        ("RouterA", Name + "-r", "veth-ra", "198.18.1.254", "02:00:00:00:01:fe"),
        ("RouterB", Name + "-r", "veth-rb", "198.18.2.254", "02:00:00:00:02:fe"),
        ("ClientB", Name + "-b", "veth-b", "198.18.2.1", "02:00:00:00:02:01"),
    };

    /// <summary>Offload features by "ns/dev": generic-receive-offload, tx-checksumming.</summary>
    private readonly Dictionary<string, Dictionary<string, bool>> _offloads = new();

    /// <summary>Neighbour entries by "ns/dev/address": their state (PERMANENT, STALE, REACHABLE).</summary>
    public Dictionary<string, string> Neighbours { get; } = new();

    public FakeBpfSystem Kernel { get; } = new();
    public FakeHostTools Host { get; } = new();
    public BpfTestNetwork Network { get; }

    public FakeRoutedNetwork()
    {
        Kernel.AddProgram(PassProgram, "xdp_pass", BpfProgType.Xdp).AddProgram(DropProgram, "xdp_drop", BpfProgType.Xdp);
        var interfaces = new List<BpfTestInterface>();
        foreach (string ns in Layout.Select(l => l.Ns).Distinct())
            Kernel.AddNamespace(ns);
        foreach (var (role, ns, dev, address, mac) in Layout)
        {
            int index = Kernel.AddInterface(dev, ns);
            interfaces.Add(new BpfTestInterface
            {
                Role = role, NetNamespace = ns, Interface = dev, Ifindex = index, Mac = mac, Address = address,
                PrefixLength = 24,
            });
            _offloads[$"{ns}/{dev}"] = new Dictionary<string, bool>
            {
                ["generic-receive-offload"] = true, ["tx-checksumming"] = true,
            };
        }
        Network = new BpfTestNetwork
        {
            Name = Name, Topology = TestTopology.Routed, Interfaces = interfaces,
            Namespaces = Layout.Select(l => l.Ns).Distinct().ToArray(),
        };
        Host.On("ip", Answer);
    }

    /// <summary>Opens the clients' XDP programs (pass, drop) as the fake kernel's programs.</summary>
    public static AttachableProgram OpenClientProgram(string name) =>
        AttachableProgram.FromId(name == "pass" ? PassProgram : DropProgram);

    public BpfTestInterface this[string role] => Network[role];

    public FakeRoutedNetwork SetOffload(string role, string feature, bool on)
    {
        BpfTestInterface i = Network[role];
        _offloads[$"{i.NetNamespace}/{i.Interface}"][feature] = on;
        return this;
    }

    public bool OffloadOf(string role, string feature)
    {
        BpfTestInterface i = Network[role];
        return _offloads[$"{i.NetNamespace}/{i.Interface}"][feature];
    }

    /// <summary>Sets the entry for the other role's address on this role's interface (null removes it).</summary>
    public FakeRoutedNetwork SetNeighbour(string role, string of, string? state)
    {
        string key = NeighbourKey(role, of);
        if (state is null) Neighbours.Remove(key);
        else Neighbours[key] = state;
        return this;
    }

    public string? NeighbourOf(string role, string of) =>
        Neighbours.TryGetValue(NeighbourKey(role, of), out string? state) ? state : null;

    /// <summary>Tool runs that change something (ethtool -K, ip neigh replace/del), in order, without the prefixes.</summary>
    public IReadOnlyList<string> Changes => Host.Calls
        .Where(c => c.Args.Contains("-K") || c.Args.Contains("replace") || c.Args.Contains("del"))
        .Select(c => c.Args.Contains("-K")
            ? string.Join(' ', c.Args.SkipWhile(a => a != "ethtool"))
            : string.Join(' ', c.Args.SkipWhile(a => a != "neigh")))
        .ToList();

    private string NeighbourKey(string role, string of)
    {
        BpfTestInterface i = Network[role];
        return $"{i.NetNamespace}/{i.Interface}/{Network[of].Address}";
    }

    private ToolOutput Answer(FakeToolCall call)
    {
        IReadOnlyList<string> a = call.Args;
        if (a.Count >= 5 && a[0] == "netns" && a[1] == "exec" && a[3] == "ethtool")
            return Ethtool(a[2], a.Skip(4).ToArray());
        if (a.Count >= 3 && a[0] == "-n")
            return Neigh(a[1], a.Skip(2).ToArray());
        return new ToolOutput(1, "", $"the fake network does not know '{call.Line}'");
    }

    private ToolOutput Ethtool(string ns, string[] args)
    {
        Dictionary<string, bool> features = _offloads[$"{ns}/{args[1]}"];
        if (args[0] == "-k")
            return new ToolOutput(0, $"Features for {args[1]}:\n" +
                string.Concat(features.Select(f => $"{f.Key}: {(f.Value ? "on" : "off")}\n")), "");
        for (int i = 2; i + 1 < args.Length; i += 2)
        {
            string feature = args[i] switch
            {
                "gro" => "generic-receive-offload", "tx" => "tx-checksumming", var other => other,
            };
            features[feature] = args[i + 1] == "on";
        }
        return new ToolOutput(0, "", "");
    }

    /// <summary>`ip -n NS [-j] neigh show to ADDR dev DEV`, `neigh replace ADDR lladdr MAC nud N dev DEV`, `neigh del`.</summary>
    private ToolOutput Neigh(string ns, string[] args)
    {
        bool json = args[0] == "-j";
        if (json) args = args[1..];
        string dev = args[Array.IndexOf(args, "dev") + 1];
        switch (args[1])
        {
            case "show":
                string address = args[Array.IndexOf(args, "to") + 1];
                return new ToolOutput(0, Neighbours.TryGetValue($"{ns}/{dev}/{address}", out string? state)
                    ? $"[{{\"dst\":\"{address}\",\"dev\":\"{dev}\",\"state\":[\"{state}\"]}}]\n" : "[]\n", "");
            case "replace":
                Neighbours[$"{ns}/{dev}/{args[2]}"] = args[Array.IndexOf(args, "nud") + 1].ToUpperInvariant();
                return new ToolOutput(0, "", "");
            case "del":
                return Neighbours.Remove($"{ns}/{dev}/{args[2]}")
                    ? new ToolOutput(0, "", "") : new ToolOutput(2, "", "RTNETLINK answers: No such file or directory");
            default:
                return new ToolOutput(1, "", "unknown neigh command");
        }
    }
}
