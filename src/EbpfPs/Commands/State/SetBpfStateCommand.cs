using System;
using System.Management.Automation;
using System.Threading;
using EbpfPs.Engine;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// Makes the kernel match a desired-state file: only the differences, all of them or none; writes what it changed.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BpfState", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(BpfStateDifference))]
public sealed class SetBpfStateCommand : StateCommandBase
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Setting state attaches and detaches programs: CAP_NET_ADMIN besides bpf().</summary>
    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin;

    /// <summary>How long to wait for another Set-BpfState on the same namespaces (0: do not wait).</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan? Timeout { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Timeout is TimeSpan t && t < TimeSpan.Zero)
            Terminate(new BpfException(ErrorId.InvalidDuration, "-Timeout cannot be negative.", Timeout));
    }

    protected override void Process(BpfStateDocument document)
    {
        try
        {
            WriteObject(BpfState.Set(document, d => ShouldProcess(TargetOf(d), ActionOf(d)), Timeout, _stop.Token,
                WriteVerbose), enumerateCollection: true);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Ctrl+C while waiting for another run: nothing was planned or changed, and the locks taken are let go.
        }
    }

    protected override void StopProcessing() => _stop.Cancel();

    private static string ActionOf(BpfStateDifference d) => d.Action switch
    {
        BpfStateAction.Attach => $"Attach {d.Expected} at {d.Hook} (state: {d.Source})",
        BpfStateAction.Replace => $"Replace {d.Actual} with {d.Expected} at {d.Hook} (state: {d.Source})",
        BpfStateAction.RemoveDuplicate => $"Keep {d.Expected} at {d.Hook}, remove the others of {d.Actual} " +
            $"(state: {d.Source})",
        BpfStateAction.Pin => $"Pin the map of '{d.Item}' (state: {d.Source})",
        _ => $"Set the entry to {d.Expected}, now {d.Actual} (state: {d.Source})",
    };
}
