namespace EbpfPs;

/// <summary>
/// A bloom filter's answer for one value: MayContain false is certain, true may be a false positive. An object
/// rather than a bare bool so a list of answers says which value each is for.
/// </summary>
public sealed class BloomFilterAnswer
{
    public uint MapId { get; init; }
    public string Map { get; init; } = "";
    public object? Value { get; init; }
    public bool MayContain { get; init; }

    public override string ToString() => MayContain ? "True" : "False";
}
