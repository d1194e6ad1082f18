using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>What a pin holds.</summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum BpfPinKind
{
    Program,
    Map,
    Link,
}

/// <summary>A pin New-BpfPin made: where it is and the kernel object it holds (bpftool prog/map/link pin).</summary>
public sealed class BpfPin
{
    public string Path { get; init; } = "";
    public BpfPinKind Kind { get; init; }
    public uint Id { get; init; }
    /// <summary>The program's or map's name; a link's type.</summary>
    public string Name { get; init; } = "";

    public override string ToString() => Path;
}
