using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// The one way in to attach, detach and list programs at a hook point: the attach cmdlets, measuring, desired state,
/// program removal and test networks all come here. Names and patterns are resolved inside the namespace; several
/// interfaces are attached all or none (rolled back, the previous program put back); what a cmdlet would confirm
/// arrives as a predicate, asked on the caller's thread between resolving and attaching.
/// </summary>
public static class Attachments
{
    /// <summary>Attaches a program at a hook point on interfaces of one namespace, all or none.</summary>
    public static IReadOnlyList<IHookAttachment> Attach(AttachableProgram program, HookPoint at,
        IReadOnlyList<NetInterface> on, bool force = false)
    {
        program.RequireType(at.Kind);
        if (on.Count == 0)
            return Array.Empty<IHookAttachment>();
        string? netns = SameNamespace(on);
        return NetNamespace.Run(netns, () => at switch
        {
            XdpHookPoint xdp => Xdp.Attach(program, on, xdp.Mode, force).Cast<IHookAttachment>().ToList(),
            TcHookPoint tc => Tc.Attach(program, on, tc, force).Cast<IHookAttachment>().ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(at), at, null),
        });
    }

    /// <summary>
    /// Attaches a program at a hook point on the interfaces names or patterns find in a namespace (InterfaceNotFound
    /// for one that finds none), those that shouldProcess allows, all or none.
    /// </summary>
    public static IReadOnlyList<IHookAttachment> Attach(AttachableProgram program, HookPoint at,
        InterfaceQuery on, bool force, Func<NetInterface, bool>? shouldProcess = null)
    {
        List<NetInterface> chosen = Resolve(on).Where(i => shouldProcess?.Invoke(i) ?? true).ToList();
        return Attach(program, at, chosen, force);
    }

    /// <summary>The interfaces names or patterns find in the namespace, in the order asked.</summary>
    public static List<NetInterface> Resolve(InterfaceQuery on) =>
        NetNamespace.Run(on.NetNamespace,
            () => NetInterfaces.FindHere(on.NamesOrPatterns, on.NetNamespace, on.Matcher));

    /// <summary>
    /// Detaches what an attachment record names: an XDP program only while it is still that program, a TC filter
    /// or tcx link (and the qdisc EbpfPs made, once empty). sweep (when given) removes the program's private pins
    /// once the program is gone.
    /// </summary>
    public static void Detach(IHookAttachment attachment, PinSweep? sweep = null)
    {
        NetNamespace.Run(attachment.NetNamespace, () =>
        {
            switch (attachment)
            {
                case XdpAttachment x:
                    Xdp.DetachProgram(OnOf(x), x.Mode, x.ProgramId);
                    break;
                case TcAttachment t:
                    Tc.Detach(t);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(attachment), attachment, null);
            }
        });
        sweep?.Add(attachment.ProgramId);
    }

    /// <summary>
    /// Detaches whatever XDP program each interface has. An exact name without a program is NoXdpProgram; a pattern
    /// detaches from the interfaces it finds that have one and tells skipped about the others. The namespace is
    /// entered twice whatever the count: once to find the interfaces and what they run, and, after shouldProcess
    /// was asked about each on the caller's thread, once to detach them all. A failure stops there: it is thrown
    /// right away when nothing was detached, else the records of those detached before it come first, then it.
    /// </summary>
    public static IEnumerable<XdpAttachment> DetachXdp(InterfaceQuery on, Func<NetInterface, bool> shouldProcess,
        Action<NetInterface>? skipped = null, PinSweep? sweep = null)
    {
        (List<XdpAttachment> gone, BpfException? failure) = DetachXdpBatch(on, shouldProcess, skipped);
        foreach (XdpAttachment detached in gone)
            sweep?.Add(detached.ProgramId);
        if (failure is not null && gone.Count == 0)
            ExceptionDispatchInfo.Capture(failure).Throw();
        return failure is null ? gone : ThenThrow(gone, failure);
    }

    private static IEnumerable<XdpAttachment> ThenThrow(List<XdpAttachment> gone, BpfException failure)
    {
        foreach (XdpAttachment detached in gone)
            yield return detached;
        ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private static (List<XdpAttachment>, BpfException?) DetachXdpBatch(InterfaceQuery on,
        Func<NetInterface, bool> shouldProcess, Action<NetInterface>? skipped)
    {
        var fromPattern = new HashSet<int>();
        (List<NetInterface> found, XdpSnapshot seen) = NetNamespace.Run(on.NetNamespace,
            () => (NetInterfaces.FindHere(on.NamesOrPatterns, on.NetNamespace, on.Matcher, fromPattern),
                XdpSnapshot.Take()));
        bool Bare(NetInterface i) => fromPattern.Contains(i.Index)
            && !(seen.TryGet(i.Index, out var q) && q.Mode != XdpAttachMode.None);
        foreach (NetInterface i in found.Where(Bare))
            skipped?.Invoke(i);
        List<NetInterface> chosen = found.Where(i => !Bare(i)).Where(shouldProcess).ToList();
        var gone = new List<XdpAttachment>();
        BpfException? failure = null;
        if (chosen.Count == 0)
            return (gone, null);
        NetNamespace.Run(on.NetNamespace, () =>
        {
            // Read again: a confirmation may have taken a while, and what runs now is what is detached.
            XdpSnapshot now = XdpSnapshot.Take();
            var names = new ProgramInfoCache();
            using var holds = new ProgramHolds();
            try
            {
                foreach (NetInterface i in chosen)
                    gone.Add(Xdp.Detach(i, now.Of(i), names, holds));
            }
            catch (BpfException e)
            {
                failure = e;
            }
        });
        return (gone, failure);
    }

    /// <summary>XDP programs on the interfaces of a namespace (those names or patterns select; all without).</summary>
    public static IReadOnlyList<XdpAttachment> ListXdp(string? netns, InterfaceFilter? filter = null) =>
        NetNamespace.Run(netns, () => Xdp.List(Filtered(netns, filter)));

    /// <summary>BPF programs on the TC hooks of a namespace's interfaces: filters and tcx links.</summary>
    public static IReadOnlyList<TcAttachment> ListTc(string? netns, InterfaceFilter? filter = null,
        TcDirection? direction = null) =>
        NetNamespace.Run(netns, () => Tc.List(Filtered(netns, filter), direction));

    /// <summary>
    /// The one BPF program on an interface's TC hook that matches a selection (0 and null match anything). No match
    /// is TcProgramNotFound; several are ambiguous, so nothing is guessed.
    /// </summary>
    public static IReadOnlyList<TcAttachment> FindTc(string interfaceName, string? netns, TcDirection direction,
        uint priority, uint handle, Func<string, bool>? programName) =>
        NetNamespace.Run(netns, () =>
            Tc.Find(NetInterfaces.NamedHere(interfaceName, netns), direction, priority, handle, programName));

    /// <summary>Where a program runs in a namespace: XDP in each mode, and clsact filters (links are by id).</summary>
    public static IReadOnlyList<IHookAttachment> OfProgram(uint programId, string? netns) =>
        NetNamespace.Run(netns, () =>
        {
            IReadOnlyList<NetInterface> all = NetInterfaces.ListHere(netns);
            return Xdp.OfProgram(all, programId).Cast<IHookAttachment>()
                .Concat(Tc.OfProgram(all, programId)).ToList();
        });

    /// <summary>Detaches a BPF link by id (a tcx link, or any other kind) and removes its pins.</summary>
    public static void DetachLink(uint linkId, IEnumerable<string> pins) => Links.Detach(linkId, pins);

    /// <summary>
    /// Drops what EbpfPs remembered about a namespace that is going away (call before deleting it): tcx pins and
    /// qdisc markers.
    /// </summary>
    public static void ForgetNamespace(string netns) => Tc.ForgetNamespace(netns);

    /// <summary>Where the markers of the clsact qdiscs EbpfPs made are kept (/run/ebpfps/clsact).</summary>
    public static string QdiscMarkers => Tc.QdiscMarkers;

    /// <summary>Where the tcx links EbpfPs attached are pinned, a folder per namespace (PINS/tcx).</summary>
    public static string TcxPinRoot => Tc.TcxPinRoot;

    private static IEnumerable<NetInterface> Filtered(string? netns, InterfaceFilter? filter)
    {
        IReadOnlyList<NetInterface> all = NetInterfaces.ListHere(netns);
        return filter is null ? all : filter(all);
    }

    private static NetInterface OnOf(IHookAttachment a) => new(a.Ifindex, a.Interface, a.NetNamespace);

    private static string? SameNamespace(IReadOnlyList<NetInterface> on)
    {
        string? netns = on[0].NetNamespace;
        if (on.Any(i => i.NetNamespace != netns))
            throw new ArgumentException("Interfaces of one attach call share a namespace.", nameof(on));
        return netns;
    }
}

/// <summary>Which interfaces of a namespace a listing shows.</summary>
public delegate IEnumerable<NetInterface> InterfaceFilter(IReadOnlyList<NetInterface> all);

/// <summary>
/// Interfaces by name or pattern in a network namespace (null: this session's). Matcher makes a case-sensitive test
/// from a pattern (the cmdlets pass PowerShell's wildcards; the engine knows none of its own).
/// </summary>
public sealed record InterfaceQuery(IReadOnlyList<string> NamesOrPatterns, string? NetNamespace,
    Func<string, Func<string, bool>> Matcher)
{
    /// <summary>As a filter of a listing: the interfaces the names or patterns select, none being no error.</summary>
    public InterfaceFilter AsFilter() => all => NetInterfaces.Select(all, NamesOrPatterns, Matcher);
}
