using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Lists the BPF links the kernel holds, whoever made them. A device link's info has an ifindex but no
/// namespace, so each namespace this session can enter (its own and those under /run/netns) is asked which
/// program sits at that ifindex; a link is placed where exactly one namespace has its program there.
/// </summary>
public static class LinkInventory
{
    private static IBpfSystem Sys => BpfSystem.Current;

    public static IReadOnlyList<BpfLinkInfo> Links()
    {
        NativeRuntime.EnsureLibbpf();
        var infos = new List<Libbpf.BpfLinkInfo>();
        foreach (uint id in KernelInventory.Ids(Libbpf.ObjectKind.Link))
            if (Read(id) is Libbpf.BpfLinkInfo info)
                infos.Add(info);
        return Describe(infos);
    }

    public static BpfLinkInfo LinkById(uint id)
    {
        NativeRuntime.EnsureLibbpf();
        Libbpf.BpfLinkInfo info = Read(id)
            ?? throw new BpfException(ErrorId.BpfLinkNotFound, $"No BPF link with id {id} exists.", id);
        return Describe(new[] { info })[0];
    }

    /// <summary>The link's info, or null when it went away between listing and opening.</summary>
    private static Libbpf.BpfLinkInfo? Read(uint id)
    {
        using SafeFdHandle? fd = KernelInventory.OpenById(Libbpf.ObjectKind.Link, id);
        return fd is null ? null : Sys.LinkInfo(fd).OrThrow("read info of BPF link", id);
    }

    private static IReadOnlyList<BpfLinkInfo> Describe(IReadOnlyList<Libbpf.BpfLinkInfo> infos)
    {
        Dictionary<uint, Place> places = Locate(infos);
        var programs = new Dictionary<uint, string>();
        string ProgramName(uint id)
        {
            if (!programs.TryGetValue(id, out string? name))
                programs[id] = name = KernelInventory.ProgramById(id, throwIfMissing: false)?.Name ?? "";
            return name;
        }
        return infos.Select(i =>
        {
            var type = (BpfLinkType)i.Type;
            bool device = OnDevice(i);
            Place? place = places.GetValueOrDefault(i.Id);
            return new BpfLinkInfo
            {
                Id = i.Id,
                Type = LinkTypeName(type),
                TypeId = (int)i.Type,
                ProgramId = i.ProgId,
                ProgramName = ProgramName(i.ProgId),
                AttachType = AttachTypeOf(i) is BpfAttachType a ? AttachTypeName(a) : null,
                Ifindex = device ? (int)i.Ifindex : null,
                Interface = place?.Interface,
                NetNamespace = place?.Name,
                NetNamespaceInode = place?.Inode,
                Target = TargetOf(i),
            };
        }).ToList();
    }

    /// <summary>A namespace a link's target was found in (Key as NetNamespace.Key), and the interface's name.</summary>
    private sealed record Place(string? Name, ulong Inode, string Key, string? Interface);

    private static bool OnDevice(Libbpf.BpfLinkInfo i) =>
        (BpfLinkType)i.Type is BpfLinkType.Xdp or BpfLinkType.Tcx or BpfLinkType.Netkit;

    /// <summary>Where each device or netns link's target lies; links that could not be placed are absent.</summary>
    private static Dictionary<uint, Place> Locate(IReadOnlyList<Libbpf.BpfLinkInfo> infos)
    {
        var devices = infos.Where(i => OnDevice(i) && i.Ifindex != 0).ToList();
        var netns = infos.Where(i => (BpfLinkType)i.Type == BpfLinkType.Netns).ToList();
        var found = new Dictionary<uint, List<Place>>();
        var byInode = new Dictionary<ulong, string?>();
        if (devices.Count == 0 && netns.Count == 0)
            return new Dictionary<uint, Place>();
        foreach (string? ns in new string?[] { null }.Concat(NetNamespace.List()))
        {
            try
            {
                NetNamespace.Run(ns, () =>
                {
                    ulong inode = Sys.CurrentNetNamespaceInode();
                    string key = NetNamespace.CurrentKey();
                    // A namespace known under several names (or as this one) is asked once, by its first name.
                    if (!byInode.TryAdd(inode, ns))
                        return;
                    // One link dump answers for every XDP link here; libbpf's query dumps them all for each one.
                    Dictionary<int, Libbpf.XdpState>? xdp = devices.Any(IsXdp) ? XdpHere() : null;
                    foreach (Libbpf.BpfLinkInfo link in devices.Where(l => HoldsHere(l, xdp)))
                    {
                        if (!found.TryGetValue(link.Id, out List<Place>? list))
                            found[link.Id] = list = new List<Place>();
                        list.Add(new Place(ns, inode, key, Sys.InterfaceName((int)link.Ifindex)));
                    }
                });
            }
            catch (BpfException)
            {
                // The namespace went away while the list was read: it holds nothing any more.
            }
        }
        var places = new Dictionary<uint, Place>();
        foreach (Libbpf.BpfLinkInfo link in devices)
            if (found.TryGetValue(link.Id, out List<Place>? list) && Single(link, list) is Place p)
                places[link.Id] = p;
        foreach (Libbpf.BpfLinkInfo link in netns)
            places[link.Id] = new Place(byInode.GetValueOrDefault(link.Ifindex), link.Ifindex, "", null);
        return places;
    }

    /// <summary>
    /// One place, or the one the module's tcx pin names (its folder is the namespace's key) when the same
    /// program sits at the same ifindex in several namespaces; otherwise none, rather than a guess.
    /// </summary>
    private static Place? Single(Libbpf.BpfLinkInfo link, List<Place> candidates)
    {
        if (candidates.Count == 1)
            return candidates[0];
        if (!Directory.Exists(Attachments.TcxPinRoot))
            return null;
        var pinned = Directory.GetFiles(Attachments.TcxPinRoot, $"{link.Ifindex}-*-{link.Id}",
                SearchOption.AllDirectories)
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f)))
            .ToHashSet(StringComparer.Ordinal);
        var mine = candidates.Where(c => pinned.Contains(c.Key)).ToList();
        return mine.Count == 1 ? mine[0] : null;
    }

    private static bool IsXdp(Libbpf.BpfLinkInfo link) => (BpfLinkType)link.Type == BpfLinkType.Xdp;

    /// <summary>
    /// The XDP state of every interface of the calling thread's namespace, by ifindex (none when it cannot be read).
    /// </summary>
    private static Dictionary<int, Libbpf.XdpState> XdpHere()
    {
        Result<List<LinkXdp>> dumped = Sys.XdpStates();
        return dumped.Ok ? dumped.Value.GroupBy(l => l.Index).ToDictionary(g => g.Key, g => g.First().Xdp)
            : new Dictionary<int, Libbpf.XdpState>();
    }

    /// <summary>
    /// True when the calling thread's namespace has the link's program at the link's ifindex; xdp is the
    /// namespace's XDP state, read once for all its links.
    /// </summary>
    private static bool HoldsHere(Libbpf.BpfLinkInfo link, Dictionary<int, Libbpf.XdpState>? xdp)
    {
        int ifindex = (int)link.Ifindex;
        if (IsXdp(link))
            return xdp is not null && xdp.TryGetValue(ifindex, out Libbpf.XdpState q)
                && new[] { q.ProgramId, q.DrvProgramId, q.SkbProgramId, q.HwProgramId }.Contains(link.ProgId);
        Result<uint[]> ids = Sys.QueryAttachedPrograms(ifindex, (BpfAttachType)link.AttachType);
        return ids.Ok && ids.Value.Contains(link.ProgId);
    }

    private static BpfAttachType? AttachTypeOf(Libbpf.BpfLinkInfo i) => (BpfLinkType)i.Type switch
    {
        BpfLinkType.Xdp => BpfAttachType.Xdp,
        BpfLinkType.Tcx or BpfLinkType.Netkit or BpfLinkType.Netns or BpfLinkType.Sockmap =>
            (BpfAttachType)i.AttachType,
        BpfLinkType.Tracing => (BpfAttachType)i.Ifindex,
        BpfLinkType.Cgroup => (BpfAttachType)i.Word2,
        _ => null,
    };

    private static string? TargetOf(Libbpf.BpfLinkInfo i) => (BpfLinkType)i.Type switch
    {
        BpfLinkType.Cgroup => $"cgroup {(ulong)i.AttachType << 32 | i.Ifindex}",
        BpfLinkType.Tracing => $"btf object {i.AttachType} type {i.Word2}",
        BpfLinkType.StructOps or BpfLinkType.Sockmap => $"map {i.Ifindex}",
        BpfLinkType.Netfilter => $"pf {i.Ifindex} hook {i.AttachType} priority {(int)i.Word2}",
        BpfLinkType.Netns => $"netns {i.Ifindex}",
        _ => null,
    };

    /// <summary>Every link type's name, as Type shows it.</summary>
    public static IEnumerable<string> TypeNames() =>
        Enum.GetValues<BpfLinkType>().Where(t => t != BpfLinkType.Unspec).Select(LinkTypeName);

    /// <summary>
    /// libbpf's name, or for a type this libbpf is too old to know, the kernel's own spelling without its prefix
    /// (tcx, netkit), or the number, as bpftool prints an unknown one.
    /// </summary>
    internal static string LinkTypeName(BpfLinkType type)
    {
        string name = Libbpf.TypeName(type);
        return int.TryParse(name, out _) && Enum.IsDefined(type)
            ? KernelNames.Snake(type.ToString()).ToLowerInvariant() : name;
    }

    internal static string AttachTypeName(BpfAttachType type) => Libbpf.AttachTypeName(type)
        ?? (Enum.IsDefined(type) ? KernelNames.Snake(type.ToString()).ToLowerInvariant() : ((int)type).ToString());
}
