using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Netlink;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// TC programs: cls_bpf filters on clsact (through libbpf's netlink helpers) and tcx links. A clsact
/// qdisc made by us is remembered in /run/ebpfps so it is removed only when we made it and it is empty.
/// </summary>
public static class Tc
{
    public const string QdiscMarkers = "/run/ebpfps/clsact";
    public const string TcxPinRoot = BpfFs.ModuleRoot + "/tcx";

    public static IReadOnlyList<TcAttachment> Attach(AttachableProgram program, IReadOnlyList<(int Index, string Name)> interfaces,
        TcDirection direction, TcMode mode, uint priority, uint handle, string? netns, bool force)
    {
        program.RequireType(BpfHookKind.Tc);
        return NetNamespace.Run(netns, () =>
        {
            ulong nsInode = NetNamespace.CurrentInode();
            var done = new List<TcAttachment>();
            try
            {
                foreach (var (index, name) in interfaces)
                    done.Add(mode == TcMode.Tcx
                        ? AttachTcx(program, index, name, direction, netns, nsInode)
                        : AttachFilter(program, index, name, direction, priority, handle, netns, nsInode, force));
            }
            catch
            {
                for (int i = done.Count - 1; i >= 0; i--)
                    DetachQuietly(done[i], nsInode);
                throw;
            }
            return (IReadOnlyList<TcAttachment>)done;
        });
    }

    private static TcAttachment AttachFilter(AttachableProgram program, int index, string name, TcDirection direction,
        uint priority, uint handle, string? netns, ulong nsInode, bool force)
    {
        var hook = Libbpf.NewTcHook(index, AttachPoint(direction));
        int created = Libbpf.TcHookCreate(hook);
        if (created < 0 && created != -LinuxErrno.EEXIST)
            throw BpfException.FromErrno(-created, "create the clsact qdisc on", name, "TcHookCreateFailed");
        bool madeQdisc = created == 0;
        if (madeQdisc)
            MarkQdisc(nsInode, index);

        var opts = new Libbpf.TcOpts { ProgFd = program.Fd.Fd, Priority = priority, Handle = handle, Flags = force ? Libbpf.TcFlagReplace : 0 };
        int rc = Libbpf.TcAttach(hook, ref opts);
        if (rc < 0)
        {
            if (madeQdisc)
                RemoveQdiscIfOursAndEmpty(index, nsInode);
            throw rc == -LinuxErrno.EEXIST
                ? new BpfException("TcFilterExists", BpfErrorKind.ResourceExists,
                    $"{name} {direction} already has a filter at priority {priority} handle {handle}; use -Force to replace it.", name, LinuxErrno.EEXIST)
                : BpfException.FromErrno(-rc, $"attach TC {direction.ToString().ToLowerInvariant()} program to", name, "TcAttachFailed");
        }
        return new TcAttachment
        {
            Interface = name, Ifindex = index, NetNamespace = netns, Direction = direction, Mode = TcMode.Filter,
            Priority = opts.Priority, Handle = opts.Handle, DirectAction = true, ProgramId = opts.ProgId,
            ProgramName = program.Info.Name, ProgramTag = program.Info.Tag, CreatedQdisc = madeQdisc,
        };
    }

    private static TcAttachment AttachTcx(AttachableProgram program, int index, string name, TcDirection direction, string? netns, ulong nsInode)
    {
        int fd = Libbpf.LinkCreate(program.Fd.Fd, index, TcxAttachType(direction));
        if (fd < 0)
            throw fd == -LinuxErrno.EINVAL && !TcxSupported()
                ? new BpfException("TcxNotSupported", BpfErrorKind.NotImplemented, "This kernel has no tcx (it arrived in Linux 6.6).", name, LinuxErrno.EINVAL,
                    recommendedAction: "Use -Mode Filter.")
                : BpfException.FromErrno(-fd, $"create tcx {direction.ToString().ToLowerInvariant()} link on", name, "TcxAttachFailed");
        using var link = new SafeFdHandle(fd);
        var info = Libbpf.GetInfo<Libbpf.BpfLinkInfo>(link, "tcx link");
        string dir = Path.Combine(TcxPinRoot, nsInode.ToString());
        Directory.CreateDirectory(dir);
        string pin = Path.Combine(dir, $"{index}-{direction.ToString().ToLowerInvariant()}-{info.Id}");
        try
        {
            Libbpf.ObjPin(link, pin);
        }
        catch
        {
            Libbpf.LinkDetach(link);
            throw;
        }
        return new TcAttachment
        {
            Interface = name, Ifindex = index, NetNamespace = netns, Direction = direction, Mode = TcMode.Tcx,
            ProgramId = info.ProgId, ProgramName = program.Info.Name, ProgramTag = program.Info.Tag, LinkId = info.Id,
            DirectAction = true, PinnedPath = pin,
        };
    }

    /// <summary>Every BPF program on the TC hooks of the interfaces (filters and tcx links).</summary>
    public static IReadOnlyList<TcAttachment> List(string? netns, Func<IReadOnlyList<(int Index, string Name)>, IEnumerable<(int Index, string Name)>>? select,
        TcDirection? direction) => NetNamespace.Run(netns, () =>
    {
        ulong nsInode = NetNamespace.CurrentInode();
        IEnumerable<(int Index, string Name)> interfaces = select is null ? NetInterfaces.List() : select(NetInterfaces.List());
        var result = new List<TcAttachment>();
        foreach (var (index, name) in interfaces)
            foreach (TcDirection d in direction is null ? new[] { TcDirection.Ingress, TcDirection.Egress } : new[] { direction.Value })
            {
                foreach (TcFilterEntry f in TcFilterDump.Dump(index, d == TcDirection.Ingress ? TcFilterDump.ParentIngress : TcFilterDump.ParentEgress))
                {
                    if (f.Kind != "bpf") continue;
                    BpfProgramInfo? info = f.ProgramId == 0 ? null : KernelInventory.ProgramById(f.ProgramId, throwIfMissing: false);
                    result.Add(new TcAttachment
                    {
                        Interface = name, Ifindex = index, NetNamespace = netns, Direction = d, Mode = TcMode.Filter,
                        Priority = f.Priority, Handle = f.Handle, DirectAction = f.DirectAction, ProgramId = f.ProgramId,
                        ProgramName = info?.Name ?? f.ProgramName ?? "", ProgramTag = info?.Tag ?? "",
                        CreatedQdisc = File.Exists(QdiscMarker(nsInode, index)),
                    });
                }
                result.AddRange(TcxLinks(index, name, d, netns, nsInode));
            }
        return (IReadOnlyList<TcAttachment>)result;
    });

    private static IEnumerable<TcAttachment> TcxLinks(int index, string name, TcDirection direction, string? netns, ulong nsInode)
    {
        if (Libbpf.QueryAttached(index, TcxAttachType(direction), out uint count) < 0 || count == 0)
            yield break;
        // The kernel answers per namespace for the query, but link ids are global: match them by
        // interface, direction and our pins, falling back to any tcx link on that ifindex.
        string dir = Path.Combine(TcxPinRoot, nsInode.ToString());
        var pins = Directory.Exists(dir) ? Directory.GetFiles(dir, $"{index}-{direction.ToString().ToLowerInvariant()}-*") : Array.Empty<string>();
        foreach (string pin in pins)
        {
            SafeFdHandle? link = null;
            try { link = Libbpf.ObjGet(pin); }
            catch (BpfException) { continue; }
            using (link)
            {
                var info = Libbpf.GetInfo<Libbpf.BpfLinkInfo>(link, "tcx link");
                if (info.Ifindex != (uint)index) continue; // a stale pin of a link that lost its device
                BpfProgramInfo? prog = KernelInventory.ProgramById(info.ProgId, throwIfMissing: false);
                yield return new TcAttachment
                {
                    Interface = name, Ifindex = index, NetNamespace = netns, Direction = direction, Mode = TcMode.Tcx,
                    ProgramId = info.ProgId, ProgramName = prog?.Name ?? "", ProgramTag = prog?.Tag ?? "", LinkId = info.Id,
                    DirectAction = true, PinnedPath = pin,
                };
            }
        }
    }

    /// <summary>Removes one attachment: the filter (and the qdisc if we made it and it is now empty) or the tcx link and its pin.</summary>
    public static void Detach(TcAttachment attachment) => NetNamespace.Run(attachment.NetNamespace, () =>
    {
        ulong nsInode = NetNamespace.CurrentInode();
        if (attachment.Mode == TcMode.Tcx)
        {
            DetachTcx(attachment);
            return;
        }
        var hook = Libbpf.NewTcHook(attachment.Ifindex, AttachPoint(attachment.Direction));
        int rc = Libbpf.TcDetach(hook, attachment.Handle, attachment.Priority);
        if (rc < 0)
            throw rc == -LinuxErrno.ENOENT
                ? new BpfException("TcFilterNotFound", BpfErrorKind.NotFound,
                    $"{attachment.Interface} {attachment.Direction} has no filter at priority {attachment.Priority} handle {attachment.Handle}.", attachment.Interface, LinuxErrno.ENOENT)
                : BpfException.FromErrno(-rc, "detach TC program from", attachment.Interface, "TcDetachFailed");
        RemoveQdiscIfOursAndEmpty(attachment.Ifindex, nsInode);
    });

    private static void DetachTcx(TcAttachment attachment)
    {
        SafeFdHandle link = attachment.PinnedPath is not null && File.Exists(attachment.PinnedPath)
            ? Libbpf.ObjGet(attachment.PinnedPath)
            : Libbpf.LinkFdById(attachment.LinkId)
              ?? throw new BpfException("TcxLinkNotFound", BpfErrorKind.NotFound, $"tcx link {attachment.LinkId} is gone.", attachment.Interface);
        using (link)
            Libbpf.Check(Libbpf.LinkDetach(link), "detach tcx link from", attachment.Interface);
        if (attachment.PinnedPath is not null && File.Exists(attachment.PinnedPath))
        {
            File.Delete(attachment.PinnedPath);
            // Leave no empty folders behind on bpffs once the last link is gone.
            DeleteIfEmpty(Path.GetDirectoryName(attachment.PinnedPath)!);
            DeleteIfEmpty(TcxPinRoot);
            DeleteIfEmpty(BpfFs.ModuleRoot);
        }
    }

    private static void DetachQuietly(TcAttachment attachment, ulong nsInode)
    {
        try
        {
            if (attachment.Mode == TcMode.Tcx)
                DetachTcx(attachment);
            else
            {
                Libbpf.TcDetach(Libbpf.NewTcHook(attachment.Ifindex, AttachPoint(attachment.Direction)), attachment.Handle, attachment.Priority);
                RemoveQdiscIfOursAndEmpty(attachment.Ifindex, nsInode);
            }
        }
        catch (BpfException)
        {
            // Rolling back is best effort: the original failure is what the user needs to see.
        }
    }

    /// <summary>Drops what we remembered about a namespace that is going away: tcx pins and qdisc markers.</summary>
    public static void ForgetNamespace(ulong nsInode)
    {
        string pins = Path.Combine(TcxPinRoot, nsInode.ToString());
        if (Directory.Exists(pins))
            Directory.Delete(pins, recursive: true);
        if (Directory.Exists(QdiscMarkers))
            foreach (string marker in Directory.GetFiles(QdiscMarkers, $"{nsInode}-*"))
                File.Delete(marker);
        DeleteIfEmpty(TcxPinRoot);
        DeleteIfEmpty(BpfFs.ModuleRoot);
    }

    private static void DeleteIfEmpty(string dir)
    {
        if (Directory.Exists(dir) && Directory.GetFileSystemEntries(dir).Length == 0)
            Directory.Delete(dir);
    }

    private static void RemoveQdiscIfOursAndEmpty(int ifindex, ulong nsInode)
    {
        string marker = QdiscMarker(nsInode, ifindex);
        if (!File.Exists(marker))
            return;
        bool empty = TcFilterDump.Dump(ifindex, TcFilterDump.ParentIngress).Count == 0
                     && TcFilterDump.Dump(ifindex, TcFilterDump.ParentEgress).Count == 0;
        if (!empty)
            return;
        Libbpf.TcHookDestroy(Libbpf.NewTcHook(ifindex, Libbpf.TcIngress | Libbpf.TcEgress));
        File.Delete(marker);
    }

    private static void MarkQdisc(ulong nsInode, int ifindex)
    {
        Directory.CreateDirectory(QdiscMarkers);
        File.WriteAllText(QdiscMarker(nsInode, ifindex), "");
    }

    private static string QdiscMarker(ulong nsInode, int ifindex) => Path.Combine(QdiscMarkers, $"{nsInode}-{ifindex}");

    private static int AttachPoint(TcDirection d) => d == TcDirection.Ingress ? Libbpf.TcIngress : Libbpf.TcEgress;
    private static int TcxAttachType(TcDirection d) => d == TcDirection.Ingress ? Libbpf.AttachTcxIngress : Libbpf.AttachTcxEgress;

    private static bool TcxSupported() => Libbpf.QueryAttached(1, Libbpf.AttachTcxIngress, out _) >= 0;
}
