using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Commands;

/// <summary>
/// Completes interface names of the namespace(s) -NetNamespace already names (this one when none): test-network
/// interfaces first, loopback last, so eth0 and lo are not what Tab offers first.
/// </summary>
public sealed class InterfaceNameCompleter : CompleterBase
{
    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary bound)
    {
        IReadOnlyList<string> namespaces = BoundStrings(bound, "NetNamespace");
        return namespaces.Count == 0 ? InterfaceSuggestions.For(null)
            : namespaces.Where(NetNamespace.Exists).SelectMany(InterfaceSuggestions.For);
    }
}

/// <summary>Completes named network namespaces (those `ip netns` knows, under /run/netns).</summary>
public sealed class NetNamespaceCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        Directory.Exists("/run/netns")
            ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).OfType<string>()
            : Array.Empty<string>();
}

/// <summary>Completes names of test networks.</summary>
public sealed class TestNetworkNameCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) => TestNetworks.List().Select(n => n.Name);
}

/// <summary>Completes the roles of the test network -Network names (ClientA, RouterA, ...).</summary>
public sealed class TestInterfaceRoleCompleter : CompleterBase
{
    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary bound)
    {
        object? network = bound.Contains("Network") ? bound["Network"] : null;
        network = network is System.Management.Automation.PSObject p ? p.BaseObject : network;
        BpfTestNetwork? known = network switch
        {
            BpfTestNetwork n when n.Interfaces.Count > 0 => n,
            BpfTestNetwork n => TestNetworks.List().FirstOrDefault(l => l.Name == n.Name),
            string name => TestNetworks.List().FirstOrDefault(l => l.Name == name),
            _ => null,
        };
        return known is not null ? known.Interfaces.Select(i => i.Role)
            : new[] { "A", "B", "ClientA", "RouterA", "RouterB", "ClientB" };
    }
}
