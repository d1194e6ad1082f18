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
/// Attaching, listing and detaching XDP programs. Attachments are made through netlink, so they
/// outlive this process exactly like `ip link set dev X xdp ...`.
/// </summary>
public static class Xdp
{
    private static IBpfSystem Sys => BpfSystem.Current;

    /// <summary>
    /// Attaches the program to every interface, or to none: when one fails, the ones already done are
    /// rolled back and whatever program was on them before is put back.
    /// </summary>
    public static IReadOnlyList<XdpAttachment> Attach(AttachableProgram program,
        IReadOnlyList<(int Index, string Name)> interfaces,
        XdpMode mode, string? netns, bool force)
    {
        program.RequireType(BpfHookKind.Xdp);
        if (mode == XdpMode.Offload)
            throw new BpfException(ErrorId.XdpOffloadNotSupported,
                "XDP offload needs a NIC whose driver runs BPF itself (e.g. Netronome nfp) and a program loaded " +
                "for that device; EbpfPs loads programs for the host, so nothing was attached.",
                    string.Join(",", interfaces.Select(i => i.Name)),
                recommendedAction: "Use -Mode Native or -Mode Generic.");

        return NetNamespace.Run(netns, () =>
        {
            // Check every interface before touching any, so the common refusals change nothing. An fd on
            // each program we may replace keeps it alive, so a rollback can put it back even when the
            // attachment was the only thing that held it.
            var before = new List<Previous>();
            try
            {
                foreach (var (index, name) in interfaces)
                {
                    Libbpf.XdpState state = Query(index, name);
                    if (state.Mode != XdpAttachMode.None && !force)
                        throw new BpfException(ErrorId.XdpProgramExists,
                            $"Interface '{name}' already has XDP program id {state.CurrentId} ({ModeOf(state)}); " +
                            "use -Force to replace it.",
                            name, (int)Errno.EEXIST);
                    before.Add(Hold(state));
                }
                return AttachAll(program, interfaces, mode, netns, before, force);
            }
            finally
            {
                foreach (Previous p in before) p.Dispose();
            }
        });
    }

    /// <summary>What an interface had before we touched it, and a hold on that program.</summary>
    private sealed record Previous(Libbpf.XdpState State, SafeFdHandle? Program) : IDisposable
    {
        public void Dispose() => Program?.Dispose();
    }

    /// <summary>How often -Force tries again when another process changes an interface's program meanwhile.</summary>
    private const int ForceAttempts = 3;

    private static IReadOnlyList<XdpAttachment> AttachAll(AttachableProgram program,
        IReadOnlyList<(int Index, string Name)> interfaces,
        XdpMode mode, string? netns, List<Previous> before, bool force)
    {
        var results = new List<XdpAttachment>();
        int done = 0;
        try
        {
            for (; done < interfaces.Count; done++)
            {
                var (index, name) = interfaces[done];
                AttachOne(program, index, name, mode, before, done, force);
                XdpAttachment attached = Describe(index, name, netns, Query(index, name));
                results.Add(attached with
                {
                    PinPath = program.PinPath ?? attached.PinPath,
                    ReplacedProgramId = before[done].State.Mode == XdpAttachMode.None ? null
                        : before[done].State.CurrentId,
                });
            }
            return results;
        }
        catch
        {
            // Undo in reverse order; the one that failed put itself back already.
            for (int j = done - 1; j >= 0; j--)
                Restore(interfaces[j].Index, program, FlagOf(results[j].Mode), before[j]);
            throw;
        }
    }

    /// <summary>
    /// Attaches to one interface, leaving in before[at] what it replaced. Every change names the program it expects to
    /// find (XDP_FLAGS_REPLACE with the expected fd, or UPDATE_IF_NOEXIST), so a program another process put there
    /// meanwhile is never overwritten by accident; with -Force the new state is read and the attach tried again.
    /// </summary>
    private static void AttachOne(AttachableProgram program, int index, string name, XdpMode mode,
        List<Previous> before, int at, bool force)
    {
        for (int attempt = 1; ; attempt++)
        {
            Errno errno = TryAttachOne(program, index, name, mode, before[at]);
            if (errno == Errno.None)
                return;
            bool changed = errno is Errno.EBUSY or Errno.EEXIST;
            if (!changed || !force)
                throw AttachFailure(errno, name, mode, force);
            if (attempt == ForceAttempts)
                throw Changed(name, errno);
            before[at].Dispose();
            before[at] = Hold(Query(index, name));
        }
    }

    private static Errno TryAttachOne(AttachableProgram program, int index, string name, XdpMode mode,
        Previous before)
    {
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
                : throw BpfException.FromErrno((int)detached, "detach the old XDP program from", name,
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
    public static XdpAttachment Detach(int index, string name, string? netns) => NetNamespace.Run(netns, () =>
    {
        Libbpf.XdpState before = Query(index, name);
        if (before.Mode == XdpAttachMode.None)
            throw new BpfException(ErrorId.NoXdpProgram, $"Interface '{name}' has no XDP program to detach.", name,
                (int)Errno.ENOENT);
        XdpAttachment gone = Describe(index, name, netns, before);
        foreach ((uint id, XdpFlags flag) in new[]
                 {
                     (before.DrvProgramId, XdpFlags.DrvMode), (before.SkbProgramId, XdpFlags.SkbMode),
                         (before.HwProgramId, XdpFlags.HwMode),
                 })
        {
            if (id != 0)
                DetachProgram(index, name, flag, id);
        }
        return gone;
    });

    /// <summary>
    /// Detaches one program from an interface of the calling thread's namespace in one mode, only while it is that
    /// program (XDP_FLAGS_REPLACE with it as the expected one): Remove-BpfProgram -Detach, which found it there.
    /// </summary>
    internal static void DetachProgram(int index, string name, XdpFlags mode, uint programId)
    {
        using SafeFdHandle? seen = KernelInventory.OpenById(Libbpf.ObjectKind.Program, programId);
        if (seen is null)
            return; // unloaded meanwhile, so no longer attached either
        Result detached = Sys.XdpDetach(index, mode | XdpFlags.Replace, seen);
        if (detached.Errno == Errno.EEXIST)
            throw Changed(name, detached.Errno);
        detached.OrThrow("detach XDP program from", name, ErrorId.XdpDetachFailed);
    }

    /// <summary>XDP programs on the interfaces of a namespace (all interfaces when select is null).</summary>
    public static IReadOnlyList<XdpAttachment> List(string? netns,
        Func<IReadOnlyList<(int Index, string Name)>, IEnumerable<(int Index, string Name)>>? select = null) =>
        NetNamespace.Run(netns, () =>
        {
            IReadOnlyList<(int Index, string Name)> all = NetInterfaces.List();
            var result = new List<XdpAttachment>();
            foreach (var (index, name) in select is null ? all : select(all))
            {
                Libbpf.XdpState q = Query(index, name);
                if (q.Mode != XdpAttachMode.None)
                    result.Add(Describe(index, name, netns, q));
            }
            return (IReadOnlyList<XdpAttachment>)result;
        });

    private static Libbpf.XdpState Query(int index, string name) =>
        Sys.XdpQuery(index).OrThrow("query XDP programs on", name);

    private static XdpAttachment Describe(int index, string name, string? netns, Libbpf.XdpState q)
    {
        uint id = q.CurrentId;
        BpfProgramInfo? info = id == 0 ? null : KernelInventory.ProgramById(id, throwIfMissing: false);
        return new XdpAttachment
        {
            Interface = name,
            Ifindex = index,
            NetNamespace = string.IsNullOrEmpty(netns) ? null : netns,
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
