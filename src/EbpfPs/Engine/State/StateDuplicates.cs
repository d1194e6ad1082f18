using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.State;

/// <summary>
/// A program the state wants once on a TC hook that runs there more than once (two Set-BpfState runs that planned
/// from one view of the kernel, or a `tc filter add` by hand) is drift: every packet meets it twice, and its maps
/// count twice. XDP needs no such check, as an interface takes one XDP program. The instance that runs first stays
/// (so the hook never goes without the program), and the others are removed.
/// </summary>
internal static class StateDuplicates
{
    /// <summary>
    /// The hook's attachments in the order the kernel runs them: tcx links before clsact filters, filters by
    /// priority and then as the dump lists them (which is the order cls_bpf walks them).
    /// </summary>
    internal static IEnumerable<TcAttachment> RunOrder(IEnumerable<TcAttachment> there) =>
        there.Select((a, i) => (a, i)).OrderBy(x => x.a.Mode == TcMode.Tcx ? 0 : 1)
            .ThenBy(x => x.a.Mode == TcMode.Tcx ? 0 : x.a.Priority).ThenBy(x => x.i).Select(x => x.a);

    /// <summary>The instances of a program (by kernel name and tag) on a hook, the one that runs first first.</summary>
    internal static List<TcAttachment> Instances(IEnumerable<TcAttachment> there, string name, string tag) =>
        RunOrder(there).Where(a => a.ProgramName == name && a.ProgramTag == tag).ToList();

    /// <summary>
    /// The step that removes every instance but the first, or none when the program runs once; the difference
    /// names each instance, so Test-BpfState shows where the extra ones sit.
    /// </summary>
    internal static StateStep? Plan(StateProgram p, StateInterface iface, NetInterface on,
        IReadOnlyList<TcAttachment> instances)
    {
        if (instances.Count < 2)
            return null;
        TcAttachment keep = instances[0];
        BpfStateDifference difference = StatePlanner.Difference(p, iface,
            $"{keep.ProgramName} {keep.ProgramTag} once ({Where(keep)})",
            $"{instances.Count} instances: {string.Join("; ", instances.Select(Where))}",
            BpfStateAction.RemoveDuplicate);
        return new RemoveDuplicatesStep(difference, on, instances.Skip(1).ToList());
    }

    internal static string Where(TcAttachment a) => a.Mode == TcMode.Tcx
        ? $"id {a.ProgramId} tcx link {a.LinkId}"
        : $"id {a.ProgramId} priority {a.Priority} handle {a.Handle}";
}

/// <summary>
/// Removes the extra instances of a program on a TC hook, the first one staying in place throughout; undo attaches
/// each removed one again where it was (a filter at its priority and handle).
/// </summary>
internal sealed class RemoveDuplicatesStep : StateStep
{
    private readonly NetInterface _on;
    private readonly IReadOnlyList<TcAttachment> _extras;
    private readonly List<(TcAttachment Removed, AttachableProgram? Program)> _done = new();

    // With the attachments, and planned before any of them that replaces the instance that stays (StateSharing's
    // maps-apart Replace), which could not tell the instances apart while the others are there.
    internal RemoveDuplicatesStep(BpfStateDifference difference, NetInterface on, IReadOnlyList<TcAttachment> extras)
        : base(difference, 2)
    {
        _on = on;
        _extras = extras;
    }

    internal override void Apply(StateSession session)
    {
        foreach (TcAttachment extra in _extras)
        {
            // Held so undo can put it back even when this filter was all that kept the program loaded.
            AttachableProgram? program = TryOpen(extra.ProgramId);
            try
            {
                Attachments.Detach(extra);
            }
            catch (BpfException e) when (e.ErrorId is ErrorId.TcFilterNotFound or ErrorId.TcxLinkNotFound)
            {
                // Gone already (removed by hand meanwhile): what the step wanted.
                program?.Dispose();
                continue;
            }
            catch
            {
                program?.Dispose();
                throw;
            }
            _done.Add((extra, program));
        }
    }

    internal override void Undo()
    {
        for (int i = _done.Count - 1; i >= 0; i--)
        {
            (TcAttachment removed, AttachableProgram? program) = _done[i];
            if (program is null)
                continue;
            try
            {
                HookPoint at = removed.Mode == TcMode.Tcx ? new TcHookPoint(removed.Direction, TcMode.Tcx)
                    : new TcHookPoint(removed.Direction, TcMode.Filter, removed.Priority, removed.Handle);
                Attachments.Attach(program, at, new[] { _on });
            }
            catch (BpfException)
            {
            }
        }
    }

    internal override void Release()
    {
        foreach ((_, AttachableProgram? program) in _done)
            program?.Dispose();
        _done.Clear();
    }

    private static AttachableProgram? TryOpen(uint id)
    {
        try { return AttachableProgram.FromId(id); }
        catch (BpfException) { return null; }
    }
}
