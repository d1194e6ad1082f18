using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// TC programs: cls_bpf filters on clsact (through libbpf's netlink helpers) and tcx links. A clsact
/// qdisc made by us is remembered in /run/ebpfps so it is removed only when we made it and it is empty.
/// </summary>
public static class Tc
{
    public const string QdiscMarkers = "/run/ebpfps/clsact";
    public const string TcxPinRoot = BpfFs.ModuleRoot + "/tcx";

    private static IBpfSystem Sys => BpfSystem.Current;

    public static IReadOnlyList<TcAttachment> Attach(AttachableProgram program,
        IReadOnlyList<(int Index, string Name)> interfaces,
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
                {
                    var at = new TcTarget(name, index, netns, direction);
                    done.Add((mode == TcMode.Tcx
                        ? AttachTcx(program, at, nsInode)
                        : AttachFilter(program, at, priority, handle, nsInode, force)) with
                    {
                        PinPath = program.PinPath ?? PrivatePins.FolderOf(program.Info.Id),
                    });
                }
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

    private static TcAttachment AttachFilter(AttachableProgram program, TcTarget at, uint priority, uint handle,
        ulong nsInode, bool force)
    {
        Result created = Sys.TcHookCreate(at.Ifindex);
        if (!created.Ok && created.Errno != Errno.EEXIST)
            created.OrThrow("create the clsact qdisc on", at.Interface, ErrorId.TcHookCreateFailed);
        bool madeQdisc = created.Ok;
        if (madeQdisc)
            MarkQdisc(nsInode, at.Ifindex);

        Result<Libbpf.TcFilterId> filter = Sys.TcAttach(at.Ifindex, PointOf(at.Direction), program.Fd, handle, priority,
            force ? TcFlags.Replace : TcFlags.None);
        if (!filter.Ok)
        {
            if (madeQdisc)
                RemoveQdiscIfOursAndEmpty(at.Ifindex, nsInode);
            if (filter.Errno == Errno.EEXIST)
                throw new BpfException(ErrorId.TcFilterExists,
                    $"{at.Interface} {at.Direction} already has a filter at priority {priority} handle {handle}; " +
                    "use -Force to replace it.",
                    at.Interface, (int)Errno.EEXIST);
            filter.OrThrow($"attach TC {at.Direction.ToString().ToLowerInvariant()} program to", at.Interface,
                ErrorId.TcAttachFailed);
        }
        return at.Filter(filter.Value.Priority, filter.Value.Handle, directAction: true, filter.Value.ProgramId,
            program.Info.Name, program.Info.Tag, madeQdisc);
    }

    private static TcAttachment AttachTcx(AttachableProgram program, TcTarget at, ulong nsInode)
    {
        Result<SafeFdHandle> created = Sys.LinkCreate(program.Fd, at.Ifindex, TcxAttachType(at.Direction));
        if (!created.Ok)
        {
            if (created.Errno == Errno.EINVAL && !TcxSupported())
                throw new BpfException(ErrorId.TcxNotSupported, "This kernel has no tcx (it arrived in Linux 6.6).",
                    at.Interface,
                    (int)Errno.EINVAL, recommendedAction: "Use -Mode Filter.");
            created.OrThrow($"create tcx {at.Direction.ToString().ToLowerInvariant()} link on", at.Interface,
                ErrorId.TcxAttachFailed);
        }
        using SafeFdHandle link = created.Value;
        Libbpf.BpfLinkInfo info = Sys.LinkInfo(link).OrThrow("read info of tcx link", at.Interface);
        string dir = Path.Combine(TcxPinRoot, nsInode.ToString());
        Directory.CreateDirectory(dir);
        string pin = Path.Combine(dir, $"{at.Ifindex}-{at.Direction.ToString().ToLowerInvariant()}-{info.Id}");
        Result pinned = Sys.Pin(link, pin);
        if (!pinned.Ok)
        {
            Sys.LinkDetach(link);
            pinned.OrThrow("pin BPF object at", pin);
        }
        return at.Tcx(info.ProgId, program.Info.Name, program.Info.Tag, info.Id, pin);
    }

    /// <summary>Every BPF program on the TC hooks of the interfaces (filters and tcx links).</summary>
    public static IReadOnlyList<TcAttachment> List(string? netns,
        Func<IReadOnlyList<(int Index, string Name)>, IEnumerable<(int Index, string Name)>>? select,
            TcDirection? direction) =>
        NetNamespace.Run(netns, () =>
        {
            ulong nsInode = NetNamespace.CurrentInode();
            IReadOnlyList<(int Index, string Name)> all = NetInterfaces.List();
            var result = new List<TcAttachment>();
            foreach (var (index, name) in select is null ? all : select(all))
                foreach (TcDirection d in direction is null ? new[] { TcDirection.Ingress, TcDirection.Egress }
                    : new[] { direction.Value })
                {
                    var at = new TcTarget(name, index, netns, d);
                    foreach (TcFilterEntry f in Filters(index, d).Where(f => f.Kind == "bpf"))
                    {
                        BpfProgramInfo? info = f.ProgramId == 0 ? null
                            : KernelInventory.ProgramById(f.ProgramId, throwIfMissing: false);
                        result.Add(at.Filter(f.Priority, f.Handle, f.DirectAction, f.ProgramId, info?.Name
                            ?? f.ProgramName ?? "",
                            info?.Tag ?? "", File.Exists(QdiscMarker(nsInode, index))) with
                        {
                            PinPath = PrivatePins.FolderOf(f.ProgramId),
                        });
                    }
                    result.AddRange(TcxLinks(at, nsInode));
                }
            return (IReadOnlyList<TcAttachment>)result;
        });

    private static IEnumerable<TcAttachment> TcxLinks(TcTarget at, ulong nsInode)
    {
        Result<uint> count = Sys.QueryAttachedCount(at.Ifindex, TcxAttachType(at.Direction));
        if (!count.Ok || count.Value == 0)
            yield break;
        // The kernel answers per namespace for the query, but link ids are global: match them by
        // interface, direction and our pins.
        string dir = Path.Combine(TcxPinRoot, nsInode.ToString());
        var pins = Directory.Exists(dir) ? Directory.GetFiles(dir,
            $"{at.Ifindex}-{at.Direction.ToString().ToLowerInvariant()}-*") : Array.Empty<string>();
        foreach (string pin in pins)
        {
            Result<SafeFdHandle> opened = Sys.OpenPinned(pin);
            if (!opened.Ok) continue;
            using SafeFdHandle link = opened.Value;
            Result<Libbpf.BpfLinkInfo> info = Sys.LinkInfo(link);
            if (!info.Ok
                || info.Value.Ifindex != (uint)at.Ifindex) continue; // a stale pin of a link that lost its device
            BpfProgramInfo? prog = KernelInventory.ProgramById(info.Value.ProgId, throwIfMissing: false);
            yield return at.Tcx(info.Value.ProgId, prog?.Name ?? "", prog?.Tag ?? "", info.Value.Id, pin) with
            {
                PinPath = PrivatePins.FolderOf(info.Value.ProgId),
            };
        }
    }

    /// <summary>
    /// The BPF programs on one interface's TC hook that match a selection (0 and null match anything). No
    /// match is ObjectNotFound; several matches with nothing selected are ambiguous, so nothing is guessed.
    /// </summary>
    public static IReadOnlyList<TcAttachment> Find(string interfaceName, string? netns, TcDirection direction,
        uint priority, uint handle,
        Func<string, bool>? programName)
    {
        var found = List(netns, all => all.Any(i => i.Name == interfaceName)
                ? all.Where(i => i.Name == interfaceName)
                : throw NetInterfaces.NotFound(interfaceName, netns), direction)
            .Where(a => (priority == 0 || a.Priority == priority) && (handle == 0 || a.Handle == handle)
                        && (programName is null || programName(a.ProgramName)))
            .ToList();
        if (found.Count == 0)
            throw new BpfException(ErrorId.TcProgramNotFound,
                $"{interfaceName} {direction} has no BPF program matching the selection.", interfaceName,
                    (int)Errno.ENOENT);
        if (found.Count > 1 && priority == 0 && handle == 0 && programName is null)
            throw new BpfException(ErrorId.TcProgramAmbiguous,
                $"{interfaceName} {direction} has {found.Count} BPF programs; say which with -Priority/-Handle or " +
                "-ProgramName, or pipe them from Get-TcProgram.", interfaceName);
        return found;
    }

    /// <summary>
    /// Removes one attachment: the filter (and the qdisc if we made it and it is now empty) or the tcx link and its
    /// pin.
    /// </summary>
    public static void Detach(TcAttachment attachment) => NetNamespace.Run(attachment.NetNamespace, () =>
    {
        ulong nsInode = NetNamespace.CurrentInode();
        if (attachment.Mode == TcMode.Tcx)
        {
            DetachTcx(attachment);
            return;
        }
        Result removed = Sys.TcDetach(attachment.Ifindex, PointOf(attachment.Direction), attachment.Handle,
            attachment.Priority);
        if (removed.Errno == Errno.ENOENT)
            throw new BpfException(ErrorId.TcFilterNotFound,
                $"{attachment.Interface} {attachment.Direction} has no filter at priority {attachment.Priority} " +
                $"handle {attachment.Handle}.",
                attachment.Interface, (int)Errno.ENOENT);
        removed.OrThrow("detach TC program from", attachment.Interface, ErrorId.TcDetachFailed);
        RemoveQdiscIfOursAndEmpty(attachment.Ifindex, nsInode);
    });

    private static void DetachTcx(TcAttachment attachment)
    {
        SafeFdHandle link = attachment.PinnedPath is not null && File.Exists(attachment.PinnedPath)
            ? Sys.OpenPinned(attachment.PinnedPath).OrThrow("open pinned BPF object", attachment.PinnedPath)
            : KernelInventory.OpenById(Libbpf.ObjectKind.Link, attachment.LinkId)
              ?? throw new BpfException(ErrorId.TcxLinkNotFound, $"tcx link {attachment.LinkId} is gone.",
                  attachment.Interface);
        using (link)
            Sys.LinkDetach(link).OrThrow("detach tcx link from", attachment.Interface, ErrorId.TcDetachFailed);
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
                Sys.TcDetach(attachment.Ifindex, PointOf(attachment.Direction), attachment.Handle, attachment.Priority);
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

    private static List<TcFilterEntry> Filters(int ifindex, TcDirection direction) =>
        Sys.TcFilters(ifindex, direction == TcDirection.Ingress ? TcParent.ClsactIngress : TcParent.ClsactEgress)
            .OrThrow("list TC filters on ifindex", ifindex);

    private static void RemoveQdiscIfOursAndEmpty(int ifindex, ulong nsInode)
    {
        string marker = QdiscMarker(nsInode, ifindex);
        if (!File.Exists(marker))
            return;
        if (Filters(ifindex, TcDirection.Ingress).Count != 0 || Filters(ifindex, TcDirection.Egress).Count != 0)
            return;
        Sys.TcHookDestroy(ifindex);
        File.Delete(marker);
    }

    private static void MarkQdisc(ulong nsInode, int ifindex)
    {
        Directory.CreateDirectory(QdiscMarkers);
        File.WriteAllText(QdiscMarker(nsInode, ifindex), "");
    }

    private static string QdiscMarker(ulong nsInode, int ifindex) => Path.Combine(QdiscMarkers, $"{nsInode}-{ifindex}");

    private static TcAttachPoint PointOf(TcDirection d) => d == TcDirection.Ingress ? TcAttachPoint.Ingress
        : TcAttachPoint.Egress;
    private static BpfAttachType TcxAttachType(TcDirection d) => d == TcDirection.Ingress ? BpfAttachType.TcxIngress
        : BpfAttachType.TcxEgress;

    private static bool TcxSupported() => Sys.QueryAttachedCount(1, BpfAttachType.TcxIngress).Ok;
}
