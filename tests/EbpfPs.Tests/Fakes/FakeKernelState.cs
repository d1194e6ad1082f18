using System.Collections.Generic;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

/// <summary>A network namespace of the fake kernel: its inode, its cookie and its interfaces by index.</summary>
internal sealed class FakeNamespace
{
    public FakeNamespace(string name, ulong inode, ulong cookie)
    {
        Name = name;
        Inode = inode;
        Cookie = cookie;
    }

    public string Name { get; }
    public ulong Inode { get; }
    public ulong Cookie { get; }
    public SortedDictionary<int, FakeInterface> Interfaces { get; } = new();
}

/// <summary>An interface: its XDP programs per mode and its clsact qdisc with the filters on each hook.</summary>
internal sealed class FakeInterface
{
    public FakeInterface(int index, string name, string netns)
    {
        Index = index;
        Name = name;
        NetNamespace = netns;
    }

    public int Index { get; }
    public string Name { get; }
    public string NetNamespace { get; }
    /// <summary>False for a driver without ndo_bpf: native XDP answers EOPNOTSUPP and no mode means generic.</summary>
    public bool NativeXdp { get; set; } = true;
    public uint XdpDrv { get; set; }
    public uint XdpSkb { get; set; }
    public uint XdpHw { get; set; }
    public bool Clsact { get; set; }
    public List<FakeFilter> Ingress { get; } = new();
    public List<FakeFilter> Egress { get; } = new();

    public override string ToString() => NetNamespace.Length == 0 ? Name : $"{NetNamespace}/{Name}";
}

/// <summary>A filter on a clsact hook, made by us or by `tc` (Kind "bpf" for cls_bpf, others otherwise).</summary>
internal sealed record FakeFilter(uint Priority, uint Handle, uint ProgramId, string Kind = "bpf",
    bool DirectAction = true, string? Name = null);

internal sealed record FakeProgram(uint Id, string Name, BpfProgType Type, ulong Tag, uint[] MapIds);

internal sealed record FakeMap(uint Id, string Name, BpfMapType Type, uint KeySize, uint ValueSize, uint MaxEntries);

internal sealed record FakeLink(uint Id, uint ProgramId, int Ifindex, BpfAttachType AttachType, string NetNamespace);
