using System;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// What runs at the XDP hook of every interface of the calling thread's namespace, read in one link dump, so a
/// listing, attach or detach of n interfaces costs one dump and not n (libbpf's per-interface query dumps every
/// link each time). A snapshot serves one batch: what changes during it is found by the attach and detach calls
/// themselves, which name the program they expect.
/// </summary>
internal sealed class XdpSnapshot
{
    private readonly Dictionary<int, Libbpf.XdpState> _byIndex = new();

    private XdpSnapshot(List<LinkXdp> links)
    {
        foreach (LinkXdp l in links)
            _byIndex[l.Index] = l.Xdp;
    }

    public static XdpSnapshot Take() =>
        new(BpfSystem.Current.XdpStates().OrThrow("list the XDP programs of the network interfaces"));

    /// <summary>
    /// The interface's state; one the dump did not show was removed meanwhile, and is the error a query of it
    /// would have been.
    /// </summary>
    public Libbpf.XdpState Of(NetInterface on) =>
        _byIndex.TryGetValue(on.Index, out Libbpf.XdpState state) ? state
            : ((Result<Libbpf.XdpState>)Errno.ENODEV).OrThrow("query XDP programs on", on.Name);

    /// <summary>The interface's state, or none when the dump did not show it (removed since it was listed).</summary>
    public bool TryGet(int index, out Libbpf.XdpState state) => _byIndex.TryGetValue(index, out state);
}

/// <summary>Program descriptions read once per batch: a thousand interfaces usually run one program.</summary>
internal sealed class ProgramInfoCache
{
    private readonly Dictionary<uint, BpfProgramInfo?> _known = new();

    public BpfProgramInfo? Get(uint id)
    {
        if (id == 0)
            return null;
        if (!_known.TryGetValue(id, out BpfProgramInfo? info))
            _known[id] = info = KernelInventory.ProgramById(id, throwIfMissing: false);
        return info;
    }
}

/// <summary>
/// An fd on each program a batch detaches, opened once per program (the detach names it as the one expected), and
/// closed when the batch is done.
/// </summary>
internal sealed class ProgramHolds : IDisposable
{
    private readonly Dictionary<uint, SafeFdHandle?> _held = new();

    /// <summary>The program's fd, or null when it is gone (unloaded, so no longer attached either).</summary>
    public SafeFdHandle? Get(uint id)
    {
        if (!_held.TryGetValue(id, out SafeFdHandle? fd))
            _held[id] = fd = KernelInventory.OpenById(Libbpf.ObjectKind.Program, id);
        return fd;
    }

    public void Dispose()
    {
        foreach (SafeFdHandle? fd in _held.Values)
            fd?.Dispose();
        _held.Clear();
    }
}
