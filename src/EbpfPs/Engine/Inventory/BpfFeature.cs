namespace EbpfPs;

/// <summary>One thing the kernel (or an interface) does or does not support, with what was measured.</summary>
public sealed record BpfFeature(string Category, string Name, bool? Supported, string? Value = null,
    string? Detail = null)
{
    /// <summary>Where the answer applies: an interface name for per-interface rows, else null.</summary>
    public string? Interface { get; init; }
}
