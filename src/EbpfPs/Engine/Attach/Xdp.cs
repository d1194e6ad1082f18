using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// Attaching, listing and detaching XDP programs on interfaces of the calling thread's namespace (Attachments enters
/// it). Attachments are made through netlink, so they outlive this process exactly like `ip link set dev X xdp ...`.
/// </summary>
internal static class Xdp
{
    private static IBpfSystem Sys => BpfSystem.Current;

    /// <summary>
    /// Attaches the program to every interface, or to none: when one fails, the ones already done are
    /// rolled back and whatever program was on them before is put back.
    /// </summary>
    public static IReadOnlyList<XdpAttachment> Attach(AttachableProgram program, IReadOnlyList<NetInterface> interfaces,
        XdpMode mode, bool force)
    {
        if (mode == XdpMode.Offload)
            throw new BpfException(ErrorId.XdpOffloadNotSupported,
                "XDP offload needs a NIC whose driver runs BPF itself (e.g. Netronome nfp) and a program loaded " +
                "for that device; EbpfPs loads programs for the host, so nothing was attached.",
                    string.Join(",", interfaces.Select(i => i.Name)),
                recommendedAction: "Use -Mode Native or -Mode Generic.");

        // Check every interface before touching any, so the common refusals change nothing. An fd on each program we
        // may replace keeps it alive, so a rollback can put it back even when the attachment was the only thing that
        // held it.
        var before = new List<Previous>();
        try
        {
            XdpSnapshot now = XdpSnapshot.Take();
            foreach (NetInterface i in interfaces)
            {
                Libbpf.XdpState state = now.Of(i);
                if (state.Mode != XdpAttachMode.None && !force)
                    throw new BpfException(ErrorId.XdpProgramExists,
                        $"Interface '{i.Name}' already has XDP program id {state.CurrentId} ({ModeOf(state)}); " +
                        "use -Force to replace it.",
                        i.Name, (int)Errno.EEXIST);
                before.Add(Hold(state));
            }
            return AttachAll(program, interfaces, mode, before, force);
        }
        finally
        {
            foreach (Previous p in before) p.Dispose();
        }
    }

    /// <summary>What an interface had before we touched it, and a hold on that program.</summary>
    private sealed record Previous(Libbpf.XdpState State, SafeFdHandle? Program) : IDisposable
    {
        public void Dispose() => Program?.Dispose();
    }

    /// <summary>How often -Force tries again when another process changes an interface's program meanwhile.</summary>
    private const int ForceAttempts = 3;

    private static IReadOnlyList<XdpAttachment> AttachAll(AttachableProgram program,
        IReadOnlyList<NetInterface> interfaces, XdpMode mode, List<Previous> before, bool force)
    {
        int done = 0;
        try
        {
            for (; done < interfaces.Count; done++)
                AttachOne(program, interfaces[done], mode, before, done, force);
            // One dump says what each interface runs now, in the mode the kernel chose for Auto.
            XdpSnapshot after = XdpSnapshot.Take();
            var names = new ProgramInfoCache();
            var results = new List<XdpAttachment>(interfaces.Count);
            for (int n = 0; n < interfaces.Count; n++)
            {
                XdpAttachment attached = Describe(interfaces[n], after.Of(interfaces[n]), names);
                results.Add(attached with
                {
                    PinPath = program.PinPath ?? attached.PinPath,
                    ReplacedProgramId = before[n].State.Mode == XdpAttachMode.None ? null
                        : before[n].State.CurrentId,
                });
            }
            return results;
        }
        catch
        {
            // Undo in reverse order; the one that failed put itself back already.
            XdpSnapshot? now = null;
            try { now = XdpSnapshot.Take(); }
            catch (BpfException) { } // then each is detached in the mode asked for: the kernel's choice for Auto
            for (int j = done - 1; j >= 0; j--)
            {
                XdpFlags ours = now is not null && now.TryGet(interfaces[j].Index, out Libbpf.XdpState s)
                    ? FlagOf(ModeOf(s)) : FlagOf(mode);
                Restore(interfaces[j].Index, program, ours, before[j]);
            }
            throw;
        }
    }

    /// <summary>
    /// Attaches to one interface, leaving in before[at] what it replaced. Every change names the program it expects to
    /// find (XDP_FLAGS_REPLACE with the expected fd, or UPDATE_IF_NOEXIST), so a program another process put there
    /// meanwhile is never overwritten by accident; with -Force the new state is read and the attach tried again.
    /// </summary>
    private static void AttachOne(AttachableProgram program, NetInterface on, XdpMode mode,
        List<Previous> before, int at, bool force)
    {
        for (int attempt = 1; ; attempt++)
        {
            Errno errno = TryAttachOne(program, on, mode, before[at]);
            if (errno == Errno.None)
                return;
            bool changed = errno is Errno.EBUSY or Errno.EEXIST;
            if (!changed || !force)
                throw AttachFailure(errno, on.Name, mode, force);
            if (attempt == ForceAttempts)
                throw Changed(on.Name, errno);
            before[at].Dispose();
            before[at] = Hold(Query(on));
        }
    }

    private static Errno TryAttachOne(AttachableProgram program, NetInterface on, XdpMode mode, Previous before)
    {
        int index = on.Index;
        XdpFlags modeFlag = FlagOf(mode);
        XdpFlags beforeFlag = FlagOf(ModeOf(before.State));
        if (before.State.Mode == XdpAttachMode.None)
            return Sys.XdpAttach(index, program.Fd, modeFlag | XdpFlags.UpdateIfNoexist, null).Errno;
        if (before.Program is null)
            return Errno.EEXIST; // the program we saw went away: look again
        if (mode == XdpMode.Auto || modeFlag == beforeFlag)
            // Same mode: an atomic swap that only happens if the old program is still the one we saw.
            return Sys.XdpAttach(index, program.Fd, beforeFlag | XdpFlags.Replace, before.Program).Errno;
        // The kernel allows one of native and generic at a time, so a mode change is detach then attach.
        Errno detached = Sys.XdpDetach(index, beforeFlag | XdpFlags.Replace, before.Program).Errno;
        if (detached != Errno.None)
            return detached == Errno.EEXIST ? detached
                : throw BpfException.FromErrno((int)detached, "detach the old XDP program from", on.Name,
                    ErrorId.XdpDetachFailed);
        Result attached = Sys.XdpAttach(index, program.Fd, modeFlag | XdpFlags.UpdateIfNoexist, null);
        if (!attached.Ok)
            Sys.XdpAttach(index, before.Program, beforeFlag | XdpFlags.UpdateIfNoexist, null);
        return attached.Errno;
    }

    /// <summary>
    /// Puts an interface back as it was, best effort like every rollback (the failure that caused it is what the
    /// caller reports): only while our program is still there, and the previous one only where nothing else went.
    /// </summary>
    private static void Restore(int index, AttachableProgram ours, XdpFlags ourFlag, Previous before)
    {
        XdpFlags flag = FlagOf(ModeOf(before.State));
        if (before.State.Mode != XdpAttachMode.None && before.Program is not null && flag == ourFlag)
        {
            Sys.XdpAttach(index, before.Program, flag | XdpFlags.Replace, ours.Fd);
            return;
        }
        if (!Sys.XdpDetach(index, ourFlag | XdpFlags.Replace, ours.Fd).Ok)
            return; // someone else's program is there now: leave it
        if (before.State.Mode != XdpAttachMode.None && before.Program is not null)
            Sys.XdpAttach(index, before.Program, flag | XdpFlags.UpdateIfNoexist, null);
    }

    private static Previous Hold(Libbpf.XdpState state) => new(state, state.Mode == XdpAttachMode.None ? null
        : KernelInventory.OpenById(Libbpf.ObjectKind.Program, state.CurrentId));

    /// <summary>
    /// Detaches whatever XDP program the interface has, in the mode it has it: the program seen, and only it (a
    /// program another process put there meanwhile stays, and the error says so).
    /// </summary>
    public static XdpAttachment Detach(NetInterface on)
    {
        using var holds = new ProgramHolds();
        return Detach(on, Query(on), new ProgramInfoCache(), holds);
    }

    /// <summary>
    /// Detaches what a batch's snapshot saw on the interface (before), each program only while it is still there.
    /// </summary>
    public static XdpAttachment Detach(NetInterface on, Libbpf.XdpState before, ProgramInfoCache names,
        ProgramHolds holds)
    {
        if (before.Mode == XdpAttachMode.None)
            throw new BpfException(ErrorId.NoXdpProgram, $"Interface '{on.Name}' has no XDP program to detach.",
                on.Name, (int)Errno.ENOENT);
        XdpAttachment gone = Describe(on, before, names);
        foreach ((uint id, XdpMode mode) in InEachMode(before))
            DetachProgram(on, mode, holds.Get(id));
        return gone;
    }

    /// <summary>
    /// Detaches one program from an interface in one mode, only while it is that program (XDP_FLAGS_REPLACE with it
    /// as the expected one).
    /// </summary>
    public static void DetachProgram(NetInterface on, XdpMode mode, uint programId)
    {
        using SafeFdHandle? seen = KernelInventory.OpenById(Libbpf.ObjectKind.Program, programId);
        DetachProgram(on, mode, seen);
    }

    private static void DetachProgram(NetInterface on, XdpMode mode, SafeFdHandle? seen)
    {
        if (seen is null)
            return; // unloaded meanwhile, so no longer attached either
        Result detached = Sys.XdpDetach(on.Index, FlagOf(mode) | XdpFlags.Replace, seen);
        if (detached.Errno == Errno.EEXIST)
            throw Changed(on.Name, detached.Errno);
        detached.OrThrow("detach XDP program from", on.Name, ErrorId.XdpDetachFailed);
    }

    /// <summary>XDP programs on the interfaces given, those that have one.</summary>
    /// <summary>
    /// XDP programs on the interfaces given, those that have one (an interface removed since it was listed has
    /// none).
    /// </summary>
    public static IReadOnlyList<XdpAttachment> List(IEnumerable<NetInterface> interfaces) =>
        List(interfaces, XdpSnapshot.Take());

    public static IReadOnlyList<XdpAttachment> List(IEnumerable<NetInterface> interfaces, XdpSnapshot now)
    {
        var names = new ProgramInfoCache();
        var result = new List<XdpAttachment>();
        foreach (NetInterface i in interfaces)
            if (now.TryGet(i.Index, out Libbpf.XdpState q) && q.Mode != XdpAttachMode.None)
                result.Add(Describe(i, q, names));
        return result;
    }

    /// <summary>Where a program runs as XDP on the interfaces given: one record per interface and mode.</summary>
    public static IEnumerable<XdpAttachment> OfProgram(IEnumerable<NetInterface> interfaces, uint programId)
    {
        XdpSnapshot now = XdpSnapshot.Take();
        var names = new ProgramInfoCache();
        foreach (NetInterface i in interfaces)
            if (now.TryGet(i.Index, out Libbpf.XdpState q))
                foreach ((uint id, XdpMode mode) in InEachMode(q))
                    if (id == programId)
                        yield return Describe(i, q, names) with { Mode = mode };
    }

    /// <summary>The programs an interface has in each mode (native and generic may both be there).</summary>
    private static IEnumerable<(uint Id, XdpMode Mode)> InEachMode(Libbpf.XdpState q)
    {
        if (q.DrvProgramId != 0) yield return (q.DrvProgramId, XdpMode.Native);
        if (q.SkbProgramId != 0) yield return (q.SkbProgramId, XdpMode.Generic);
        if (q.HwProgramId != 0) yield return (q.HwProgramId, XdpMode.Offload);
    }

    private static Libbpf.XdpState Query(NetInterface on) =>
        Sys.XdpQuery(on.Index).OrThrow("query XDP programs on", on.Name);

    private static XdpAttachment Describe(NetInterface on, Libbpf.XdpState q, ProgramInfoCache names)
    {
        uint id = q.CurrentId;
        BpfProgramInfo? info = names.Get(id);
        return new XdpAttachment
        {
            Interface = on.Name,
            Ifindex = on.Index,
            NetNamespace = on.NetNamespace,
            Mode = ModeOf(q),
            ProgramId = id,
            ProgramName = info?.Name ?? "",
            ProgramTag = info?.Tag ?? "",
            PinPath = PrivatePins.FolderOf(id),
        };
    }

    /// <summary>The mode that runs; with native and generic both present (multi), native.</summary>
    private static XdpMode ModeOf(Libbpf.XdpState q) => q.Mode switch
    {
        XdpAttachMode.Drv => XdpMode.Native,
        XdpAttachMode.Skb => XdpMode.Generic,
        XdpAttachMode.Hw => XdpMode.Offload,
        XdpAttachMode.Multi => q.DrvProgramId != 0 ? XdpMode.Native : XdpMode.Generic,
        _ => XdpMode.Auto,
    };

    private static XdpFlags FlagOf(XdpMode mode) => mode switch
    {
        XdpMode.Native => XdpFlags.DrvMode,
        XdpMode.Generic => XdpFlags.SkbMode,
        XdpMode.Offload => XdpFlags.HwMode,
        _ => XdpFlags.None,
    };

    private static BpfException Changed(string name, Errno errno) =>
        new(ErrorId.XdpProgramChanged,
            $"The XDP program on '{name}' changed while EbpfPs was changing it (another process at work?); what " +
            "the other process put there was left alone.", name, (int)errno,
            recommendedAction: "Look with Get-XdpProgram, then try again.");

    private static BpfException AttachFailure(Errno errno, string name, XdpMode mode, bool force)
    {
        if (errno is Errno.EBUSY or Errno.EEXIST)
            return force ? Changed(name, errno) : new BpfException(ErrorId.XdpProgramExists,
                $"Interface '{name}' got an XDP program meanwhile; use -Force to replace it.", name, (int)errno);
        if (mode == XdpMode.Native && errno is Errno.EOPNOTSUPP or Errno.EINVAL)
            return new BpfException(ErrorId.XdpNativeNotSupported,
                $"The driver of '{name}' does not run XDP natively ({ErrnoText.Describe(errno)}).", name, (int)errno,
                recommendedAction: "Use -Mode Generic, or -Mode Auto to let the kernel choose.");
        return BpfException.FromErrno((int)errno, $"attach XDP program ({mode}) to", name, ErrorId.XdpAttachFailed);
    }
}
