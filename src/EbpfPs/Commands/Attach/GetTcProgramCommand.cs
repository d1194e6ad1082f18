using System.Management.Automation;
using EbpfPs.Engine.Attach;

namespace EbpfPs.Commands;

/// <summary>Lists BPF programs on TC hooks: clsact filters (ours or tc's) and tcx links.</summary>
[Cmdlet(VerbsCommon.Get, "TcProgram", DefaultParameterSetName = OneSet)]
[OutputType(typeof(TcAttachment))]
public sealed class GetTcProgramCommand : InterfaceListCommandBase
{
    [Parameter]
    public TcDirection Direction { get => _direction ?? TcDirection.Ingress; set => _direction = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private TcDirection? _direction;

    protected override void ProcessRecord() =>
        WriteEachNamespace(ns => Attachments.ListTc(ns, Selected(ns), _direction));

    protected override string? Summary => ReadSummary("TC attachment");
}
