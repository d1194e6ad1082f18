using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// Makes the kernel match a desired-state file: only the differences, all of them or none; writes what it changed.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BpfState", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(BpfStateDifference))]
public sealed class SetBpfStateCommand : StateCommandBase
{
    /// <summary>Setting state attaches and detaches programs: CAP_NET_ADMIN besides bpf().</summary>
    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin;

    protected override void Process(BpfStateDocument document) =>
        WriteObject(BpfState.Set(document, d => ShouldProcess(TargetOf(d), ActionOf(d))), enumerateCollection: true);

    private static string ActionOf(BpfStateDifference d) => d.Action switch
    {
        BpfStateAction.Attach => $"Attach {d.Expected} at {d.Hook} (state: {d.Source})",
        BpfStateAction.Replace => $"Replace {d.Actual} with {d.Expected} at {d.Hook} (state: {d.Source})",
        BpfStateAction.Pin => $"Pin the map of '{d.Item}' (state: {d.Source})",
        _ => $"Set the entry to {d.Expected}, now {d.Actual} (state: {d.Source})",
    };
}
