using System.Management.Automation;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>Compares a desired-state file with the kernel: one object per difference, nothing changed.</summary>
[Cmdlet(VerbsDiagnostic.Test, "BpfState", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BpfStateDifference))]
public sealed class TestBpfStateCommand : StateCommandBase
{
    protected override void Process(BpfStateDocument document) =>
        WriteObject(BpfState.Test(document), enumerateCollection: true);
}
