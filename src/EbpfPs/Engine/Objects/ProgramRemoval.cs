using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Objects;

/// <summary>What Remove-BpfProgram did to a kernel program, and, if it is still loaded, why.</summary>
public sealed record ProgramRemovalResult(uint ProgramId, string Name, IReadOnlyList<string> Done,
    BpfException? StillLoaded);

/// <summary>
/// Removing a kernel program by id: the kernel frees a program once nothing pins, attaches or holds it, so
/// this unpins every pin of it on bpffs and, when asked to, detaches it from every XDP and TC hook it can
/// reach (links of type xdp, tcx and netkit; netlink XDP attachments and clsact filters in this namespace and
/// every named one). Whatever still holds it afterwards is named in a ProgramStillLoaded error.
/// </summary>
public static class ProgramRemoval
{
    private static IBpfSystem Sys => BpfSystem.Current;

    /// <summary>
    /// How long to wait for the kernel's deferred release (an RCU grace period) of the last reference.
    /// </summary>
    private static readonly TimeSpan ReleaseWait = Poll.DetachSettle;

    public static ProgramRemovalResult Remove(uint id, bool detach)
    {
        BpfProgramInfo program = KernelInventory.ProgramById(id)!;
        var done = new List<string>();
        var left = new List<string>();
        var pins = PinnedObjects.Walk().Where(p => p.ProgramId == id).ToList();
        foreach (PinnedObjects.Pin pin in pins.Where(p => p.Kind == Libbpf.ObjectKind.Program))
            Attempt(() => Pins.Remove(pin.Path), $"unpinned {pin.Path}", $"pin {pin.Path}", done, left);

        foreach (Libbpf.BpfLinkInfo link in Links(id))
        {
            var type = (BpfLinkType)link.Type;
            string what = $"{LinkInventory.LinkTypeName(type)} link {link.Id}";
            string[] linkPins = pins.Where(p => p.Kind == Libbpf.ObjectKind.Link && p.Id == link.Id)
                .Select(p => p.Path).ToArray();
            if (!detach || type is not (BpfLinkType.Xdp or BpfLinkType.Tcx or BpfLinkType.Netkit))
            {
                left.Add(detach ? $"{what} (only xdp, tcx and netkit links are detached here)"
                    : $"{what}{PinsText(linkPins)} (-Detach detaches it)");
                continue;
            }
            Attempt(() => Attachments.DetachLink(link.Id, linkPins), $"detached {what}{PinsText(linkPins)}", what,
                done, left);
        }
        foreach (string? ns in Namespaces())
            Attempt(() => HooksIn(ns, id, detach, done, left), "", $"the hooks of {Where(ns)}", done, left);

        // Wait out the kernel's deferred release only when nothing seen still holds the program.
        var holders = ProgramFdHolders.Of(id);
        bool gone = left.Count == 0 && holders.Count == 0 ? WaitUntilGone(id, ReleaseWait)
            : WaitUntilGone(id, TimeSpan.Zero);
        BpfException? still = gone ? null : StillLoaded(program, left, holders);
        return new ProgramRemovalResult(id, program.Name, done, still);
    }

    /// <summary>Runs one step; a failure is noted with the rest of what holds the program, not thrown.</summary>
    private static void Attempt(Action step, string did, string what, List<string> done, List<string> left)
    {
        try
        {
            step();
            if (did.Length > 0) done.Add(did);
        }
        catch (BpfException e) when (e.ErrorId != ErrorId.NetNamespaceNotFound)
        {
            left.Add($"{what} ({e.Message.TrimEnd('.')})");
        }
        catch (BpfException)
        {
            // A namespace that went away while it was walked holds nothing any more.
        }
    }

    private static IEnumerable<Libbpf.BpfLinkInfo> Links(uint programId)
    {
        foreach (uint linkId in KernelInventory.Ids(Libbpf.ObjectKind.Link))
        {
            using SafeFdHandle? fd = KernelInventory.OpenById(Libbpf.ObjectKind.Link, linkId);
            if (fd is not null && Sys.LinkInfo(fd) is { Ok: true } info && info.Value.ProgId == programId)
                yield return info.Value;
        }
    }

    private static IEnumerable<string?> Namespaces() => new string?[] { null }.Concat(NetNamespace.List());

    private static string Where(string? ns) => ns is null ? "this namespace" : $"namespace {ns}";

    /// <summary>XDP attachments made through netlink and clsact filters in one namespace: detached, or noted.</summary>
    private static void HooksIn(string? ns, uint id, bool detach, List<string> done, List<string> left)
    {
        foreach (IHookAttachment a in Attachments.OfProgram(id, ns))
        {
            string what = a switch
            {
                XdpAttachment x => $"XDP ({x.Mode}) on {x.Interface} in {Where(ns)}",
                TcAttachment t => $"TC {t.Direction.ToString().ToLowerInvariant()} filter (priority {t.Priority}, " +
                    $"handle {t.Handle}) on {t.Interface} in {Where(ns)}",
                _ => $"{a.Interface} in {Where(ns)}",
            };
            if (!detach)
                left.Add($"{what} (-Detach detaches it)");
            else
                Attempt(() => Attachments.Detach(a), $"detached {what}", what, done, left);
        }
    }

    private static string PinsText(string[] pins) => pins.Length == 0 ? "" : $" pinned at {string.Join(", ", pins)}";

    /// <summary>
    /// The kernel drops the last reference of an unpinned or detached program after an RCU grace period.
    /// </summary>
    private static bool WaitUntilGone(uint id, TimeSpan wait) => Poll.Until(() =>
    {
        using SafeFdHandle? fd = KernelInventory.OpenById(Libbpf.ObjectKind.Program, id);
        return fd is null;
    }, wait);

    private static BpfException StillLoaded(BpfProgramInfo program, List<string> left,
        IReadOnlyList<ProgramFdHolders.Holder> fdHolders)
    {
        var holders = new List<string>(left);
        foreach (ProgramFdHolders.Holder h in fdHolders)
            holders.Add(h.ProcessId == Environment.ProcessId
                ? $"this PowerShell session (pid {h.ProcessId}) holds it open: Remove-BpfObject releases what " +
                  "Import-BpfObject loaded"
                : $"process {h.ProcessId} ({h.Name}) holds it open");
        if (holders.Count == 0)
            holders.Add("nothing EbpfPs can see: a program array map, or a hook in a namespace without a name");
        return new BpfException(ErrorId.ProgramStillLoaded,
            $"BPF program {program.Id} ({program.Name}) is still loaded: {string.Join("; ", holders)}.", program.Id);
    }
}
