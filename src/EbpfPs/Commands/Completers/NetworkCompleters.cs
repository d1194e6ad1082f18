using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Network;

namespace EbpfPs.Commands;

/// <summary>Completes interface names of the current network namespace.</summary>
public sealed class InterfaceNameCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        Directory.Exists("/sys/class/net")
            ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>()
            : Array.Empty<string>();
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
