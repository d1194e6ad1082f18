using System.Management.Automation;
using EbpfPs.Engine.Attach;

namespace EbpfPs.Commands;

/// <summary>Lists BPF programs on TC hooks: clsact filters (ours or tc's) and tcx links.</summary>
[Cmdlet(VerbsCommon.Get, "TcProgram", DefaultParameterSetName = OneSet)]
[OutputType(typeof(TcAttachment))]
public sealed class GetTcProgramCommand : InterfaceListCommandBase
{
    [Parameter]
    public TcDirection? Direction { get; set; }

    protected override void ProcessRecord() =>
        WriteEachNamespace(ns => Attachments.ListTc(ns, Selected(ns), Direction));

    protected override string? Summary => ReadSummary("TC attachment");
}
