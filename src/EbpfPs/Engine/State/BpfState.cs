using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.State;

/// <summary>
/// Desired state, the way DSC and Ansible do it: Test lists how the kernel differs from a document, Set
/// changes exactly those things, all of them or none (a failed step rolls back what the run had changed).
/// </summary>
public static class BpfState
{
    public static IReadOnlyList<BpfStateDifference> Test(BpfStateDocument document)
    {
        NativeRuntime.EnsureLibbpf();
        using var session = new StateSession(document);
        List<StateStep> steps = StatePlanner.Plan(session);
        steps.ForEach(s => s.Release());
        return steps.Select(s => s.Difference).ToArray();
    }

    /// <summary>
    /// Applies the differences shouldProcess agrees to; returns them marked Applied. The run holds the state lock of
    /// each namespace the document names from before it plans until its last step: another run waits up to timeout
    /// (StateLock.DefaultTimeout when null), then stops with StateLocked; cancel stops the wait, and waiting hears
    /// who it waits for.
    /// </summary>
    public static IReadOnlyList<BpfStateDifference> Set(BpfStateDocument document,
        Func<BpfStateDifference, bool> shouldProcess, TimeSpan? timeout = null, CancellationToken cancel = default,
        Action<string>? waiting = null)
    {
        NativeRuntime.EnsureLibbpf();
        using IDisposable locked = StateLock.Acquire(document, timeout ?? StateLock.DefaultTimeout, cancel, waiting);
        using var session = new StateSession(document);
        List<StateStep> steps = StatePlanner.Plan(session);
        // New attachments of one entry go in one attach call: per interface, each would read the whole namespace.
        List<StateStep> chosen =
            StateBatches.Merge(steps.Where(s => shouldProcess(s.Difference)).OrderBy(s => s.Phase));
        var done = new List<StateStep>();
        try
        {
            foreach (StateStep step in chosen)
            {
                try
                {
                    step.Apply(session);
                }
                catch (BpfException e)
                {
                    // The failed step may have half-happened (a load that pinned maps); undo it with the rest.
                    done.Add(step);
                    RollBack(session, done);
                    throw new BpfException(ErrorId.StateNotApplied,
                        $"Set-BpfState changed nothing: {step} failed: {e.Message} The " +
                        $"{Changes(done) - Changes(step)} change(s) " +
                        "made before it were rolled back.", step.Difference.Target, e.Errno, e.VerifierLog,
                        e.RecommendedAction, e);
                }
                done.Add(step);
            }
            return done.SelectMany(s => s.Differences).Select(d => d with { Applied = true }).ToArray();
        }
        finally
        {
            steps.ForEach(s => s.Release());
        }
    }

    private static int Changes(StateStep step) => step.Differences.Count();
    private static int Changes(List<StateStep> steps) => steps.Sum(Changes);

    private static void RollBack(StateSession session, List<StateStep> done)
    {
        for (int i = done.Count - 1; i >= 0; i--)
            done[i].Undo();
        session.RemoveCreatedPins();
    }
}
