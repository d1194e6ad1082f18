namespace EbpfPs;

/// <summary>
/// A network interface as the kernel knows it: its index and name in a network namespace (null: the one this
/// session runs in). The one shape every part of the module passes an interface in.
/// </summary>
public sealed record NetInterface(int Index, string Name, string? NetNamespace = null)
{
    public override string ToString() => NetNamespace is null ? Name : $"{Name} in network namespace {NetNamespace}";
}
