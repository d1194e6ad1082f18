using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs;

[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))]
public enum TestTopology
{
    /// <summary>Two namespaces joined by one veth pair.</summary>
    Pair,
    /// <summary>Client A - router - client B: three namespaces, two veth pairs, routes and forwarding set.</summary>
    Routed,
    /// <summary>
    /// Several routers between two shared clients, each router with its own sshd for PowerShell remoting.
    /// </summary>
    Fleet,
}

/// <summary>One end of a veth pair in a test network; pipe it to Add-XdpProgram or Add-TcProgram.</summary>
public sealed record BpfTestInterface
{
    /// <summary>Its part in the topology: A or B (Pair), ClientA, RouterA, RouterB or ClientB (Routed).</summary>
    public string Role { get; init; } = "";
    public string NetNamespace { get; init; } = "";
    public string Interface { get; init; } = "";
    public int Ifindex { get; init; }
    public string Mac { get; init; } = "";
    public string Address { get; init; } = "";
    public int PrefixLength { get; init; }
    public string PeerRole { get; init; } = "";
    /// <summary>GRO is switched on so frames redirected into this veth by XDP are received, not dropped.</summary>
    public bool Gro { get; init; }
    /// <summary>Off on clients: checksum offload does not survive an XDP redirect between veths.</summary>
    public bool TxChecksumOffload { get; init; }

    public override string ToString() => $"{Role}: {Interface}@{NetNamespace} {Address}/{PrefixLength}";
}

/// <summary>A set of namespaces and veth pairs made by New-BpfTestNetwork.</summary>
public sealed record BpfTestNetwork
{
    public string Name { get; init; } = "";
    public TestTopology Topology { get; init; }
    public IReadOnlyList<string> Namespaces { get; init; } = Array.Empty<string>();
    public IReadOnlyList<BpfTestInterface> Interfaces { get; init; } = Array.Empty<BpfTestInterface>();
    public DateTime CreatedAt { get; init; }
    /// <summary>
    /// The process that made the network (null in state written before EbpfPs recorded it); with its start time
    /// (clock ticks after boot, as /proc/PID/stat has it) a later process that reuses the pid is not taken for it.
    /// </summary>
    public int? CreatorProcessId { get; init; }
    public ulong? CreatorStartTicks { get; init; }
    /// <summary>That process's name (comm), for messages.</summary>
    public string? CreatorName { get; init; }
    /// <summary>True while the process that made the network runs; null when it is not known.</summary>
    [JsonIgnore]
    public bool? CreatorRunning => CreatorProcessId is int pid && CreatorStartTicks is ulong start
        ? ProcessIdentity.IsRunning(pid, start) : null;
    /// <summary>Made by this process (this PowerShell session): what Get-BpfTestNetwork -Mine lists.</summary>
    [JsonIgnore]
    public bool Mine => CreatorProcessId is int pid && CreatorStartTicks is ulong start
        && ProcessIdentity.IsThisProcess(pid, start);
    /// <summary>What New-BpfTestNetwork set beyond addresses, so a reader knows the conditions.</summary>
    public IReadOnlyList<string> Changes { get; init; } = Array.Empty<string>();
    /// <summary>Fleet: the routers, each reachable over SSH (Invoke-Command -HostName $n.Hosts.HostName).</summary>
    public IReadOnlyList<BpfFleetHost> Hosts { get; init; } = Array.Empty<BpfFleetHost>();
    /// <summary>Fleet: the user the routers' sshd lets in (the one who made the network).</summary>
    public string? UserName { get; init; }
    /// <summary>Fleet: the private key made for this network (Invoke-Command -KeyFilePath).</summary>
    public string? KeyFilePath { get; init; }
    /// <summary>
    /// Fleet: ssh options for Invoke-Command -Options: this network's own known_hosts, checked strictly.
    /// </summary>
    public IReadOnlyDictionary<string, string>? SshOptions { get; init; }
    /// <summary>Fleet: the one interface in the session's namespace that reaches the routers' sshd.</summary>
    public string? RootInterface { get; init; }
    /// <summary>Fleet: where the network's keys, sshd configs, pid files and logs are kept.</summary>
    public string? StateFolder { get; init; }

    /// <summary>
    /// A network known only by name so far (a -Network argument); the engine reads its state by the name.
    /// </summary>
    internal static BpfTestNetwork Named(string name) => new() { Name = name };

    /// <summary>Stamped as made now by this process.</summary>
    internal BpfTestNetwork MadeHere() => this with
    {
        CreatedAt = DateTime.Now, CreatorProcessId = ProcessIdentity.OwnProcessId,
        CreatorStartTicks = ProcessIdentity.OwnStartTicks, CreatorName = ProcessIdentity.OwnName,
    };

    public BpfTestInterface this[string role] =>
        Interfaces.FirstOrDefault(i => string.Equals(i.Role, role, StringComparison.OrdinalIgnoreCase))
        ?? throw new BpfException(ErrorId.TestInterfaceNotFound,
            $"Test network '{Name}' has no interface with role '{role}'.", role);

    public override string ToString() => $"{Name} ({Topology}: {string.Join(", ", Interfaces.Select(i => i.Role))})";
}
