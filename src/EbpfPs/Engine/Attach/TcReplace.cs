using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// An upgrade in place at TC: -Force over a hook that runs a program of the same name (an older build) swaps the
/// program where it sits, so no packet meets an empty hook. A clsact filter is replaced at its own priority and handle
/// (the kernel swaps the program of that filter in one step); a tcx link of ours is updated to run the new program
/// (BPF_LINK_UPDATE naming the old one). Detaching and attaching again would let the packets in between go to the
/// kernel's own forwarding.
/// </summary>
internal static class TcReplace
{
    private static IBpfSystem Sys => BpfSystem.Current;

    /// <summary>How to put one replaced hook back, when a later interface of the same call fails.</summary>
    internal sealed class Undo : IDisposable
    {
        private readonly Action _restore;
        private readonly SafeFdHandle _old;

        internal Undo(SafeFdHandle old, Action<SafeFdHandle> restore)
        {
            _old = old;
            _restore = () => restore(old);
        }

        /// <summary>Best effort, like every rollback: the failure that caused it is what the caller reports.</summary>
        internal void Restore() => _restore();

        public void Dispose() => _old.Dispose();
    }

    /// <summary>
    /// The attachment -Force upgrades in place at a target: the one BPF program of the same name at the hook in the
    /// mode asked (several are ambiguous, so nothing is guessed). Null when there is none, or when a filter priority
    /// or handle was given (then the filter at that spot is replaced, as tc filter replace does).
    /// </summary>
    internal static TcAttachment? OlderBuild(AttachableProgram program, TcTarget target, TcHookPoint at,
        IReadOnlyList<TcAttachment> present)
    {
        if (at.Mode == TcMode.Filter && (at.Priority != 0 || at.Handle != 0))
            return null;
        var same = present.Where(a => a.Mode == at.Mode && a.Direction == target.Direction
            && string.Equals(a.ProgramName, program.Info.Name, StringComparison.Ordinal)).ToList();
        if (same.Count > 1)
            throw new BpfException(ErrorId.TcProgramAmbiguous,
                $"{target.On.Name} {target.Direction} runs {same.Count} programs named '{program.Info.Name}' (" +
                string.Join("; ", same.Select(a => a.Mode == TcMode.Tcx ? $"tcx link {a.LinkId}"
                    : $"priority {a.Priority} handle {a.Handle}")) +
                "); -Force replaces one in place and cannot tell which. Nothing was changed.", target.On.Name,
                recommendedAction: "Say which with -Priority and -Handle, or remove the extra ones first.");
        return same.Count == 1 ? same[0] : null;
    }

    /// <summary>
    /// Makes the hook of old run the program instead, in one step; returns the attachment as it is now and how to
    /// put the old program back.
    /// </summary>
    internal static (TcAttachment Now, Undo Undo) Replace(AttachableProgram program, TcAttachment old)
    {
        SafeFdHandle held = KernelInventory.OpenById(Libbpf.ObjectKind.Program, old.ProgramId)
            ?? throw Changed(old);
        try
        {
            (TcAttachment now, Action<SafeFdHandle> back) = old.Mode == TcMode.Tcx
                ? ReplaceTcx(program, old, held)
                : ReplaceFilter(program, old);
            return (now with { ReplacedProgramId = old.ProgramId }, new Undo(held, back));
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static (TcAttachment, Action<SafeFdHandle>) ReplaceFilter(AttachableProgram program,
        TcAttachment old)
    {
        TcAttachPoint point = old.Direction == TcDirection.Ingress ? TcAttachPoint.Ingress : TcAttachPoint.Egress;
        Result<Libbpf.TcFilterId> swapped = Sys.TcAttach(old.Ifindex, point, program.Fd, old.Handle, old.Priority,
            TcFlags.Replace);
        if (swapped.Errno == Errno.ENOENT)
            throw Changed(old);
        swapped.OrThrow($"replace the TC {old.Direction.ToString().ToLowerInvariant()} program on", old.Interface,
            ErrorId.TcAttachFailed);
        return (Running(old, program) with { DirectAction = true },
            previous => Sys.TcAttach(old.Ifindex, point, previous, old.Handle, old.Priority, TcFlags.Replace));
    }

    private static (TcAttachment, Action<SafeFdHandle>) ReplaceTcx(AttachableProgram program, TcAttachment old,
        SafeFdHandle previous)
    {
        string pin = old.PinnedPath ?? throw Changed(old);
        using SafeFdHandle link = Sys.OpenPinned(pin).OrThrow("open the tcx link pinned at", pin);
        Result updated = Sys.LinkUpdate(link, program.Fd, previous);
        if (updated.Errno == Errno.EPERM)
            throw Changed(old);
        updated.OrThrow($"update the tcx {old.Direction.ToString().ToLowerInvariant()} link on", old.Interface,
            ErrorId.TcxAttachFailed);
        return (Running(old, program), back =>
        {
            Result<SafeFdHandle> again = Sys.OpenPinned(pin);
            if (!again.Ok) return;
            using SafeFdHandle l = again.Value;
            Sys.LinkUpdate(l, back, program.Fd);
        });
    }

    /// <summary>The attachment of old's place, now running program.</summary>
    private static TcAttachment Running(TcAttachment old, AttachableProgram program) => old with
    {
        ProgramId = program.Info.Id, ProgramName = program.Info.Name, ProgramTag = program.Info.Tag,
    };

    private static BpfException Changed(TcAttachment old) =>
        new(ErrorId.TcProgramChanged,
            $"The program '{old.ProgramName}' (id {old.ProgramId}) on {old.Interface} {old.Direction} changed while " +
            "EbpfPs was replacing it (another process at work?); what is there now was left alone.", old.Interface,
            recommendedAction: "Look with Get-TcProgram, then try again.");
}
