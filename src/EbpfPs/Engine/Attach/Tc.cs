using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// TC programs on interfaces of the calling thread's namespace (Attachments enters it): cls_bpf filters on clsact
/// (through libbpf's netlink helpers) and tcx links. A clsact qdisc made by us is remembered (TcBookkeeping) so it is
/// removed only when we made it and it is empty.
/// </summary>
internal static class Tc
{
    /// <summary>Where the markers of the clsact qdiscs EbpfPs made are kept (/run/ebpfps/clsact).</summary>
    public static string QdiscMarkers => TcBookkeeping.QdiscMarkers;

    /// <summary>Where the tcx links EbpfPs attached are pinned, a folder per namespace (PINS/tcx).</summary>
    public static string TcxPinRoot => TcBookkeeping.TcxPinRoot;

    private static IBpfSystem Sys => BpfSystem.Current;

    public static IReadOnlyList<TcAttachment> Attach(AttachableProgram program, IReadOnlyList<NetInterface> interfaces,
        TcHookPoint at, bool force)
    {
        string nsKey = NetNamespace.CurrentKey();
        var done = new List<TcAttachment>();
        // Per attachment made: null when it is new, or how to put back the older build it replaced in place.
        var undo = new List<TcReplace.Undo?>();
        using IDisposable held = TcBookkeeping.Lock();
        try
        {
            // Every upgrade in place is found before anything changes, so an ambiguous one changes nothing.
            TcAttachment?[] older = interfaces.Select(i => force
                ? TcReplace.OlderBuild(program, new TcTarget(i, at.Direction), at, List(new[] { i }, at.Direction))
                : null).ToArray();
            for (int n = 0; n < interfaces.Count; n++)
            {
                var target = new TcTarget(interfaces[n], at.Direction);
                TcAttachment made;
                if (older[n] is TcAttachment old)
                {
                    (made, TcReplace.Undo back) = TcReplace.Replace(program, old);
                    undo.Add(back);
                }
                else
                {
                    made = at.Mode == TcMode.Tcx ? AttachTcx(program, target, nsKey)
                        : AttachFilter(program, target, at.Priority, at.Handle, nsKey, force);
                    undo.Add(null);
                }
                done.Add(made with { PinPath = program.PinPath ?? PrivatePins.FolderOf(program.Info.Id) });
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
                if (undo[i] is TcReplace.Undo back)
                    back.Restore();
                else
                    DetachQuietly(done[i], nsKey);
            throw;
        }
        finally
        {
            foreach (TcReplace.Undo? u in undo)
                u?.Dispose();
        }
        return done;
    }

    private static TcAttachment AttachFilter(AttachableProgram program, TcTarget at, uint priority, uint handle,
        string nsKey, bool force)
    {
        Result created = Sys.TcHookCreate(at.On.Index);
        if (!created.Ok && created.Errno != Errno.EEXIST)
            created.OrThrow("create the clsact qdisc on", at.On.Name, ErrorId.TcHookCreateFailed);
        bool madeQdisc = created.Ok;
        if (madeQdisc)
            TcBookkeeping.MarkQdisc(nsKey, at.On.Index, at.On.NetNamespace);

        Result<Libbpf.TcFilterId> filter = Sys.TcAttach(at.On.Index, PointOf(at.Direction), program.Fd, handle,
            priority,
            force ? TcFlags.Replace : TcFlags.None);
        if (!filter.Ok)
        {
            if (madeQdisc)
                RemoveQdiscIfOursAndEmpty(at.On.Index, nsKey);
            if (filter.Errno == Errno.EEXIST)
                throw new BpfException(ErrorId.TcFilterExists,
                    $"{at.On.Name} {at.Direction} already has a filter at priority {priority} handle {handle}" +
                    (force ? " that -Force cannot replace (it needs -Priority and -Handle)."
                        : "; use -Force to replace it."),
                    at.On.Name, (int)Errno.EEXIST);
            filter.OrThrow($"attach TC {at.Direction.ToString().ToLowerInvariant()} program to", at.On.Name,
                ErrorId.TcAttachFailed);
        }
        return at.Filter(filter.Value.Priority, filter.Value.Handle, directAction: true, filter.Value.ProgramId,
            program.Info.Name, program.Info.Tag, madeQdisc);
    }

    /// <summary>
    /// Programs per tcx hook and direction: BPF_MPROG_MAX (include/linux/bpf_mprog.h) is 64 slots, and the kernel
    /// keeps the last as the list's end (bpf_mprog_max()), so the 64th attach is refused with ERANGE.
    /// </summary>
    public const int TcxMaxPrograms = 63;

    private static BpfException TcxHookFull(TcTarget at)
    {
        string direction = at.Direction.ToString().ToLowerInvariant();
        return new BpfException(ErrorId.TcxHookFull,
            $"{at.On.Name} {direction} already runs {TcxMaxPrograms} tcx programs, the kernel's limit per hook " +
            "(BPF_MPROG_MAX, 64 slots less the one that ends the list).", at.On.Name, (int)Errno.ERANGE,
            recommendedAction: "Remove a program from the hook (Get-TcProgram lists them), or chain programs " +
                "with tail calls, or use -Mode Filter.");
    }

    private static TcAttachment AttachTcx(AttachableProgram program, TcTarget at, string nsKey)
    {
        Result<SafeFdHandle> created = Sys.LinkCreate(program.Fd, at.On.Index, TcxAttachType(at.Direction));
        if (!created.Ok)
        {
            if (created.Errno == Errno.EINVAL && !TcxSupported())
                throw new BpfException(ErrorId.TcxNotSupported, "This kernel has no tcx (it arrived in Linux 6.6).",
                    at.On.Name,
                    (int)Errno.EINVAL, recommendedAction: "Use -Mode Filter.");
            if (created.Errno == Errno.ERANGE)
                throw TcxHookFull(at);
            created.OrThrow($"create tcx {at.Direction.ToString().ToLowerInvariant()} link on", at.On.Name,
                ErrorId.TcxAttachFailed);
        }
        using SafeFdHandle link = created.Value;
        Libbpf.BpfLinkInfo info = Sys.LinkInfo(link).OrThrow("read info of tcx link", at.On.Name);
        string pin = Path.Combine(TcBookkeeping.TcxFolder(nsKey), $"{at.On.Index}-{Lower(at.Direction)}-{info.Id}");
        Result pinned = TcBookkeeping.PinTcx(link, pin);
        if (!pinned.Ok)
        {
            Sys.LinkDetach(link);
            TcBookkeeping.RemoveTcxPin(pin);
            pinned.OrThrow("pin BPF object at", pin);
        }
        return at.Tcx(info.ProgId, program.Info.Name, program.Info.Tag, info.Id, pin);
    }

    /// <summary>
    /// Every BPF program on the TC hooks of the interfaces (filters and tcx links): the filters of all hooks dumped
    /// over one netlink socket, each program described once.
    /// </summary>
    public static IReadOnlyList<TcAttachment> List(IEnumerable<NetInterface> interfaces, TcDirection? direction)
    {
        string nsKey = NetNamespace.CurrentKey();
        TcDirection[] directions = direction is null ? new[] { TcDirection.Ingress, TcDirection.Egress }
            : new[] { direction.Value };
        List<TcTarget> hooks = interfaces.SelectMany(i => directions.Select(d => new TcTarget(i, d))).ToList();
        // Only interfaces with a clsact (or ingress) qdisc are asked: most of a thousand veths have none.
        HashSet<int> withQdisc = Sys.ClsactInterfaces().OrThrow("list the qdiscs of the network interfaces");
        List<TcTarget> asked = hooks.Where(h => withQdisc.Contains(h.On.Index)).ToList();
        List<TcFilterEntry>[] dumped = Sys.TcFiltersEach(asked.Select(h => (h.On.Index, ParentOf(h.Direction)))
            .ToList()).OrThrow("list the TC filters of the network interfaces");
        var byHook = new Dictionary<TcTarget, List<TcFilterEntry>>();
        for (int n = 0; n < asked.Count; n++)
            byHook[asked[n]] = dumped[n];
        var names = new ProgramInfoCache();
        TcxPinIndex? tcxPins = null;
        var result = new List<TcAttachment>();
        for (int n = 0; n < hooks.Count; n++)
        {
            TcTarget at = hooks[n];
            foreach (TcFilterEntry f in byHook.GetValueOrDefault(at, NoFilters).Where(f => f.Kind == "bpf"))
            {
                BpfProgramInfo? info = names.Get(f.ProgramId);
                result.Add(at.Filter(f.Priority, f.Handle, f.DirectAction, f.ProgramId, info?.Name
                    ?? f.ProgramName ?? "",
                    info?.Tag ?? "", TcBookkeeping.IsOurQdisc(nsKey, at.On.Index)) with
                {
                    PinPath = PrivatePins.FolderOf(f.ProgramId),
                });
            }
            result.AddRange(TcxLinks(at, () => tcxPins ??= new TcxPinIndex(nsKey), names));
        }
        return result;
    }

    private static readonly List<TcFilterEntry> NoFilters = new();

    private static IEnumerable<TcAttachment> TcxLinks(TcTarget at, Func<TcxPinIndex> pins, ProgramInfoCache names)
    {
        Result<uint> count = Sys.QueryAttachedCount(at.On.Index, TcxAttachType(at.Direction));
        if (!count.Ok || count.Value == 0)
            yield break;
        // The kernel answers per namespace for the query, but link ids are global: match them by
        // interface, direction and our pins.
        foreach (string pin in pins().Of(at.On.Index, Lower(at.Direction)))
        {
            Result<SafeFdHandle> opened = Sys.OpenPinned(pin);
            if (!opened.Ok) continue;
            using SafeFdHandle link = opened.Value;
            if (Sys.ObjectKindOf(link) is not { Ok: true, Value: Libbpf.ObjectKind.Link }) continue;
            Result<Libbpf.BpfLinkInfo> info = Sys.LinkInfo(link);
            if (!info.Ok
                || info.Value.Ifindex != (uint)at.On.Index) continue; // a stale pin of a link that lost its device
            BpfProgramInfo? prog = names.Get(info.Value.ProgId);
            yield return at.Tcx(info.Value.ProgId, prog?.Name ?? "", prog?.Tag ?? "", info.Value.Id, pin) with
            {
                PinPath = PrivatePins.FolderOf(info.Value.ProgId),
            };
        }
    }

    /// <summary>
    /// The BPF programs on one interface's TC hook that match a selection (0 and null match anything). No
    /// match is ObjectNotFound; several matches are ambiguous, with or without a selection, so nothing is guessed:
    /// a -ProgramName that several filters share (tc's own and ours, say) says so instead of removing them all.
    /// </summary>
    public static IReadOnlyList<TcAttachment> Find(NetInterface on, TcDirection direction, uint priority, uint handle,
        Func<string, bool>? programName)
    {
        var found = List(new[] { on }, direction)
            .Where(a => (priority == 0 || a.Priority == priority) && (handle == 0 || a.Handle == handle)
                        && (programName is null || programName(a.ProgramName)))
            .ToList();
        if (found.Count == 0)
            throw new BpfException(ErrorId.TcProgramNotFound,
                $"{on.Name} {direction} has no BPF program matching the selection.", on.Name, (int)Errno.ENOENT);
        if (found.Count > 1)
            throw new BpfException(ErrorId.TcProgramAmbiguous,
                $"{on.Name} {direction} has {found.Count} BPF programs matching the selection (" +
                string.Join("; ", found.Select(a => a.Mode == TcMode.Tcx ? $"'{a.ProgramName}' tcx link {a.LinkId}"
                    : $"'{a.ProgramName}' priority {a.Priority} handle {a.Handle}")) +
                "); say which with -Priority and -Handle, or pipe them from Get-TcProgram.", on.Name);
        return found;
    }

    /// <summary>The clsact filters that run a program on the interfaces given.</summary>
    public static IEnumerable<TcAttachment> OfProgram(IEnumerable<NetInterface> interfaces, uint programId) =>
        List(interfaces, null).Where(a => a.Mode == TcMode.Filter && a.ProgramId == programId);

    /// <summary>
    /// Removes one attachment: the filter (and the qdisc if we made it and it is now empty) or the tcx link and its
    /// pin.
    /// </summary>
    public static void Detach(TcAttachment attachment)
    {
        string nsKey = NetNamespace.CurrentKey();
        using IDisposable held = TcBookkeeping.Lock();
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
        RemoveQdiscIfOursAndEmpty(attachment.Ifindex, nsKey);
    }

    private static void DetachTcx(TcAttachment attachment)
    {
        string? pin = attachment.PinnedPath is not null && File.Exists(attachment.PinnedPath)
            ? attachment.PinnedPath : null;
        SafeFdHandle link = pin is not null
            ? Sys.OpenPinned(pin).OrThrow("open pinned BPF object", pin)
            : KernelInventory.OpenById(Libbpf.ObjectKind.Link, attachment.LinkId)
              ?? throw new BpfException(ErrorId.TcxLinkNotFound, $"tcx link {attachment.LinkId} is gone.",
                  attachment.Interface);
        using (link)
        {
            if (pin is not null && Sys.ObjectKindOf(link) is not { Ok: true, Value: Libbpf.ObjectKind.Link })
                throw new BpfException(ErrorId.WrongPinnedObjectType,
                    $"'{pin}' is not a BPF link pin; it was not made by EbpfPs.", pin);
            Sys.LinkDetach(link).OrThrow("detach tcx link from", attachment.Interface, ErrorId.TcDetachFailed);
        }
        // Leave no empty folders behind on bpffs once the last link is gone.
        if (pin is not null)
            TcBookkeeping.RemoveTcxPin(pin);
    }

    private static void DetachQuietly(TcAttachment attachment, string nsKey)
    {
        try
        {
            if (attachment.Mode == TcMode.Tcx)
                DetachTcx(attachment);
            else
            {
                Sys.TcDetach(attachment.Ifindex, PointOf(attachment.Direction), attachment.Handle, attachment.Priority);
                RemoveQdiscIfOursAndEmpty(attachment.Ifindex, nsKey);
            }
        }
        catch (BpfException)
        {
            // Rolling back is best effort: the original failure is what the user needs to see.
        }
    }

    /// <summary>
    /// Drops what we remembered about a namespace that is going away (call before deleting it): tcx pins and qdisc
    /// markers.
    /// </summary>
    public static void ForgetNamespace(string netns) => TcBookkeeping.Forget(NetNamespace.Key(netns));

    /// <summary>Removes a pin of one of the module's tcx links (detached by someone else), under the TC lock.</summary>
    internal static void RemoveTcxPin(string pin)
    {
        using IDisposable held = TcBookkeeping.Lock();
        TcBookkeeping.RemoveTcxPin(pin);
    }

    private static List<TcFilterEntry> Filters(int ifindex, TcDirection direction) =>
        Sys.TcFilters(ifindex, ParentOf(direction)).OrThrow("list TC filters on ifindex", ifindex);

    private static uint ParentOf(TcDirection d) => d == TcDirection.Ingress ? TcParent.ClsactIngress
        : TcParent.ClsactEgress;

    /// <summary>Removes the qdisc when we made it and nothing is left on it (call holding the TC lock).</summary>
    private static void RemoveQdiscIfOursAndEmpty(int ifindex, string nsKey)
    {
        if (!TcBookkeeping.IsOurQdisc(nsKey, ifindex))
            return;
        if (Filters(ifindex, TcDirection.Ingress).Count != 0 || Filters(ifindex, TcDirection.Egress).Count != 0)
            return;
        Sys.TcHookDestroy(ifindex);
        TcBookkeeping.Unmark(nsKey, ifindex);
    }

    private static string Lower(TcDirection d) => d.ToString().ToLowerInvariant();

    private static TcAttachPoint PointOf(TcDirection d) => d == TcDirection.Ingress ? TcAttachPoint.Ingress
        : TcAttachPoint.Egress;
    private static BpfAttachType TcxAttachType(TcDirection d) => d == TcDirection.Ingress ? BpfAttachType.TcxIngress
        : BpfAttachType.TcxEgress;

    private static bool TcxSupported() => Sys.QueryAttachedCount(1, BpfAttachType.TcxIngress).Ok;
}
