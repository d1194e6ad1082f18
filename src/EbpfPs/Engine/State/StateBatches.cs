using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;

namespace EbpfPs.Engine.State;

/// <summary>
/// Set attaches an entry's program to all the interfaces where nothing of it runs in one attach call, as
/// Add-XdpProgram does for many interfaces: an attach reads the namespace's XDP state before and after, so one call
/// per interface would read it n times for n interfaces. Replacements stay one step each (each puts its own
/// predecessor back on undo).
/// </summary>
internal static class StateBatches
{
    /// <summary>The chosen steps in their order, an entry's new attachments merged at its first one's place.</summary>
    internal static List<StateStep> Merge(IEnumerable<StateStep> chosen)
    {
        var merged = new List<StateStep>();
        var batches = new Dictionary<StateProgram, AttachBatchStep>(ReferenceEqualityComparer.Instance);
        foreach (StateStep step in chosen)
        {
            if (step is not AttachStep { Replaces: false } attach)
            {
                merged.Add(step);
                continue;
            }
            if (!batches.TryGetValue(attach.Entry, out AttachBatchStep? batch))
            {
                batches[attach.Entry] = batch = new AttachBatchStep(attach);
                merged.Add(batch);
            }
            else
                batch.Add(attach);
        }
        // A batch of one is the step itself: its messages name the one interface as before.
        return merged.Select(s => s is AttachBatchStep { Count: 1 } one ? one.Single : s).ToList();
    }
}

/// <summary>
/// New attachments of one entry's program on several interfaces of its namespace, all or none (Attachments rolls
/// back a failed batch itself); undo detaches them.
/// </summary>
internal sealed class AttachBatchStep : StateStep
{
    private readonly List<AttachStep> _steps = new();
    private IReadOnlyList<IHookAttachment> _done = new List<IHookAttachment>();

    internal AttachBatchStep(AttachStep first) : base(first.Difference, first.Phase) => _steps.Add(first);

    internal int Count => _steps.Count;
    internal AttachStep Single => _steps[0];

    internal void Add(AttachStep step) => _steps.Add(step);

    internal override IEnumerable<BpfStateDifference> Differences => _steps.Select(s => s.Difference);

    internal override void Apply(StateSession session)
    {
        StateProgram entry = _steps[0].Entry;
        List<NetInterface> on = _steps.Select(s => s.Interface).ToList();
        // As a single attach step does: XDP replaces whatever another process put there meanwhile.
        _done = Attachments.Attach(session.Instance(entry), entry.Point, on, force: entry.IsXdp);
    }

    internal override void Undo()
    {
        for (int i = _done.Count - 1; i >= 0; i--)
        {
            try
            {
                Attachments.Detach(_done[i]);
            }
            catch (BpfException)
            {
            }
        }
    }

    public override string ToString() =>
        $"{Difference.Action} {Difference.Target} and {_steps.Count - 1} more interface(s) ({Difference.Source})";
}
