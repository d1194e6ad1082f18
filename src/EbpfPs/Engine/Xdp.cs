using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Attaching, listing and detaching XDP programs. Attachments are made through netlink, so they
/// outlive this process exactly like `ip link set dev X xdp ...`.
/// </summary>
public static class Xdp
{
    /// <summary>
    /// Attaches the program to every interface, or to none: when one fails, the ones already done are
    /// rolled back and whatever program was on them before is put back.
    /// </summary>
    public static IReadOnlyList<XdpAttachment> Attach(AttachableProgram program, IReadOnlyList<(int Index, string Name)> interfaces,
        XdpMode mode, string? netns, bool force)
    {
        program.RequireType(BpfHookKind.Xdp);
        if (mode == XdpMode.Offload)
            throw new BpfException("XdpOffloadNotSupported", BpfErrorKind.NotImplemented,
                "XDP offload needs a NIC whose driver runs BPF itself (e.g. Netronome nfp) and a program loaded for that device; " +
                "EbpfPs loads programs for the host, so nothing was attached.", string.Join(",", Names(interfaces)),
                recommendedAction: "Use -Mode Native or -Mode Generic.");

        return NetNamespace.Run(netns, () =>
        {
            // Check every interface before touching any, so the common refusals change nothing.
            var previous = new List<Libbpf.XdpQueryOpts>();
            // An fd on each program we may replace keeps it alive, so a rollback can put it back even
            // when the attachment was the only thing that held it.
            var held = new List<SafeFdHandle?>();
            using var release = new DisposeAll(held);
            foreach (var (index, name) in interfaces)
            {
                Libbpf.XdpQueryOpts before = Libbpf.XdpQuery(index, name);
                if (before.AttachMode != Libbpf.XdpAttachedNone && !force)
                    throw new BpfException("XdpProgramExists", BpfErrorKind.ResourceExists,
                        $"Interface '{name}' already has XDP program id {CurrentId(before)} ({ModeOf(before.AttachMode)}); use -Force to replace it.",
                        name, LinuxErrno.EEXIST);
                previous.Add(before);
                held.Add(before.AttachMode == Libbpf.XdpAttachedNone ? null : Libbpf.FdById(Libbpf.IdKind.Program, CurrentId(before)));
            }

            var done = new List<int>();
            var results = new List<XdpAttachment>();
            try
            {
                for (int i = 0; i < interfaces.Count; i++)
                {
                    var (index, name) = interfaces[i];
                    AttachOne(program, index, name, mode, previous[i], held[i]);
                    done.Add(i);
                    results.Add(Describe(index, name, netns, Libbpf.XdpQuery(index, name)) with
                    {
                        ReplacedProgramId = previous[i].AttachMode == Libbpf.XdpAttachedNone ? null : CurrentId(previous[i]),
                    });
                }
            }
            catch
            {
                for (int j = done.Count - 1; j >= 0; j--)
                    Restore(interfaces[done[j]].Index, previous[done[j]], held[done[j]]);
                throw;
            }
            return (IReadOnlyList<XdpAttachment>)results;
        });
    }

    private static void AttachOne(AttachableProgram program, int index, string name, XdpMode mode, Libbpf.XdpQueryOpts before, SafeFdHandle? old)
    {
        uint modeFlag = FlagOf(mode);
        uint beforeFlag = FlagOf(before.AttachMode);
        int rc;
        if (before.AttachMode == Libbpf.XdpAttachedNone)
        {
            rc = Libbpf.XdpAttach(index, program.Fd.Fd, modeFlag | Libbpf.XdpFlagsUpdateIfNoExist);
        }
        else if (mode == XdpMode.Auto || modeFlag == beforeFlag)
        {
            // Same mode: an atomic swap that only happens if the old program is still the one we saw.
            rc = Libbpf.XdpAttach(index, program.Fd.Fd, beforeFlag | (old is null ? 0 : Libbpf.XdpFlagsReplace), old?.Fd ?? 0);
        }
        else
        {
            // The kernel allows one of native and generic at a time, so a mode change is detach then attach.
            Libbpf.Check(Libbpf.XdpDetach(index, beforeFlag), "detach the old XDP program from", name);
            rc = Libbpf.XdpAttach(index, program.Fd.Fd, modeFlag | Libbpf.XdpFlagsUpdateIfNoExist);
            if (rc < 0)
                Restore(index, before, old);
        }
        if (rc < 0)
            throw AttachFailure(-rc, name, mode);
    }

    /// <summary>Puts an interface back as it was: the previous program in its mode, or nothing.</summary>
    private static void Restore(int index, Libbpf.XdpQueryOpts before, SafeFdHandle? old)
    {
        if (before.AttachMode == Libbpf.XdpAttachedNone)
        {
            foreach (uint flag in new[] { Libbpf.XdpFlagsDrvMode, Libbpf.XdpFlagsSkbMode })
                Libbpf.XdpDetach(index, flag);
            return;
        }
        if (old is null)
            return; // the old program was gone before we started; nothing to put back
        uint flag2 = FlagOf(before.AttachMode);
        foreach (uint other in new[] { Libbpf.XdpFlagsDrvMode, Libbpf.XdpFlagsSkbMode })
            if (other != flag2)
                Libbpf.XdpDetach(index, other);
        Libbpf.XdpAttach(index, old.Fd, flag2);
    }

    /// <summary>Detaches whatever XDP program the interface has, in the mode it has it.</summary>
    public static XdpAttachment Detach(int index, string name, string? netns) => NetNamespace.Run(netns, () =>
    {
        Libbpf.XdpQueryOpts before = Libbpf.XdpQuery(index, name);
        if (before.AttachMode == Libbpf.XdpAttachedNone)
            throw new BpfException("NoXdpProgram", BpfErrorKind.NotFound, $"Interface '{name}' has no XDP program to detach.", name, LinuxErrno.ENOENT);
        XdpAttachment gone = Describe(index, name, netns, before);
        foreach ((uint id, uint flag) in new[] { (before.DrvProgId, Libbpf.XdpFlagsDrvMode), (before.SkbProgId, Libbpf.XdpFlagsSkbMode), (before.HwProgId, Libbpf.XdpFlagsHwMode) })
            if (id != 0)
                Libbpf.Check(Libbpf.XdpDetach(index, flag), "detach XDP program from", name);
        return gone;
    });

    /// <summary>XDP programs on the interfaces of a namespace (all interfaces when names is null).</summary>
    public static IReadOnlyList<XdpAttachment> List(string? netns, Func<IReadOnlyList<(int Index, string Name)>, IEnumerable<(int Index, string Name)>>? select = null) =>
        NetNamespace.Run(netns, () =>
        {
            var result = new List<XdpAttachment>();
            IEnumerable<(int Index, string Name)> interfaces = NetInterfaces.List();
            if (select is not null)
                interfaces = select(NetInterfaces.List());
            foreach (var (index, name) in interfaces)
            {
                Libbpf.XdpQueryOpts q = Libbpf.XdpQuery(index, name);
                if (q.AttachMode != Libbpf.XdpAttachedNone)
                    result.Add(Describe(index, name, netns, q));
            }
            return (IReadOnlyList<XdpAttachment>)result;
        });

    private static XdpAttachment Describe(int index, string name, string? netns, Libbpf.XdpQueryOpts q)
    {
        uint id = CurrentId(q);
        BpfProgramInfo? info = id == 0 ? null : KernelInventory.ProgramById(id, throwIfMissing: false);
        return new XdpAttachment
        {
            Interface = name,
            Ifindex = index,
            NetNamespace = string.IsNullOrEmpty(netns) ? null : netns,
            Mode = ModeOf(q.AttachMode == Libbpf.XdpAttachedMulti ? (q.DrvProgId != 0 ? Libbpf.XdpAttachedDrv : Libbpf.XdpAttachedSkb) : q.AttachMode),
            ProgramId = id,
            ProgramName = info?.Name ?? "",
            ProgramTag = info?.Tag ?? "",
        };
    }

    private static uint CurrentId(Libbpf.XdpQueryOpts q) =>
        q.ProgId != 0 ? q.ProgId : q.DrvProgId != 0 ? q.DrvProgId : q.SkbProgId != 0 ? q.SkbProgId : q.HwProgId;

    private static XdpMode ModeOf(byte attachMode) => attachMode switch
    {
        Libbpf.XdpAttachedDrv => XdpMode.Native,
        Libbpf.XdpAttachedSkb => XdpMode.Generic,
        Libbpf.XdpAttachedHw => XdpMode.Offload,
        _ => XdpMode.Auto,
    };

    private static uint FlagOf(XdpMode mode) => mode switch
    {
        XdpMode.Native => Libbpf.XdpFlagsDrvMode,
        XdpMode.Generic => Libbpf.XdpFlagsSkbMode,
        XdpMode.Offload => Libbpf.XdpFlagsHwMode,
        _ => 0,
    };

    private static uint FlagOf(byte attachMode) => FlagOf(ModeOf(attachMode));

    private static BpfException AttachFailure(int errno, string name, XdpMode mode)
    {
        if (errno == LinuxErrno.EBUSY || errno == LinuxErrno.EEXIST)
            return new BpfException("XdpProgramExists", BpfErrorKind.ResourceExists,
                $"Interface '{name}' got an XDP program meanwhile; use -Force to replace it.", name, errno);
        if (mode == XdpMode.Native && (errno == LinuxErrno.EOPNOTSUPP || errno == LinuxErrno.EINVAL))
            return new BpfException("XdpNativeNotSupported", BpfErrorKind.NotImplemented,
                $"The driver of '{name}' does not run XDP natively ({LinuxErrno.Describe(errno)}).", name, errno,
                recommendedAction: "Use -Mode Generic, or -Mode Auto to let the kernel choose.");
        return BpfException.FromErrno(errno, $"attach XDP program ({mode}) to", name, "XdpAttachFailed");
    }

    private sealed class DisposeAll : IDisposable
    {
        private readonly List<SafeFdHandle?> _handles;
        public DisposeAll(List<SafeFdHandle?> handles) => _handles = handles;
        public void Dispose() { foreach (SafeFdHandle? h in _handles) h?.Dispose(); }
    }

    private static IEnumerable<string> Names(IEnumerable<(int Index, string Name)> interfaces)
    {
        foreach (var i in interfaces) yield return i.Name;
    }
}
