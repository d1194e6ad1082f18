using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace EbpfPs;

/// <summary>
/// One key and its value, decoded through the map's BTF (per-CPU values summed unless asked otherwise).
/// </summary>
public sealed class BpfMapEntry
{
    public uint MapId { get; init; }
    public string Map { get; init; } = "";
    public object? Key { get; init; }
    public object? Value { get; init; }
    /// <summary>Each CPU's value, for per-CPU maps read with -PerCpu.</summary>
    [JsonIgnore] // ConvertTo-Json gets it from the type adapter when there is one: no null field.
    public IReadOnlyList<object?>? PerCpu { get; init; }
    /// <summary>For maps without BTF: the key's bytes as hex, beside the integer reading in Key.</summary>
    [JsonIgnore]
    public string? KeyHex { get; init; }
    /// <summary>
    /// For maps without BTF: the value's bytes as hex (per-CPU: of the sum), beside the integer reading in Value.
    /// </summary>
    [JsonIgnore]
    public string? ValueHex { get; init; }

    /// <summary>
    /// A per-CPU map's entry whose Value is the sum over its CPUs. Internal: not a column of its own, but what the
    /// type adapter names the entry by (its view says the value is a sum).
    /// </summary>
    internal bool SummedOverCpus { get; init; }

    public override string ToString() => $"{Map}[{Key}]";
}
