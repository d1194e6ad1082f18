using System;
using System.Collections.Generic;

namespace EbpfPs;

/// <summary>
/// One router of a Fleet test network: a namespace with its own sshd, reached over SSH at HostName, with
/// veth-ra toward the shared client A and veth-rb toward the shared client B.
/// </summary>
public sealed record BpfFleetHost
{
    /// <summary>r1, r2, ...</summary>
    public string Name { get; init; } = "";
    /// <summary>The address its sshd listens on (and the only one): Invoke-Command -HostName.</summary>
    public string HostName { get; init; } = "";
    public int Port { get; init; } = 22;
    public string NetNamespace { get; init; } = "";
    /// <summary>The router's interfaces toward client A and client B.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = Array.Empty<string>();
    /// <summary>Client A's address on the link to this router: where traffic through it starts.</summary>
    public string SourceAddress { get; init; } = "";
    /// <summary>Client B's address behind this router: send to it from client A to cross this router.</summary>
    public string DestinationAddress { get; init; } = "";
    /// <summary>The sshd listening for this router; Remove-BpfTestNetwork stops it.</summary>
    public int SshdProcessId { get; init; }
    public string SshdConfigPath { get; init; } = "";
    public string SshdPidFile { get; init; } = "";
    public string SshdLogPath { get; init; } = "";

    public override string ToString() => $"{Name}: {HostName} ({NetNamespace})";
}
