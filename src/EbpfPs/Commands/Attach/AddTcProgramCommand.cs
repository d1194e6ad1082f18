using System.Management.Automation;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>
/// Attaches a program to the TC ingress or egress hook of interfaces, as a clsact filter or a tcx link.
/// </summary>
[Cmdlet(VerbsCommon.Add, "TcProgram", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true)]
[OutputType(typeof(TcAttachment))]
public sealed class AddTcProgramCommand : AttachCommandBase
{
    [Parameter]
    public TcDirection Direction { get; set; } = TcDirection.Ingress;

    [Parameter]
    public TcMode Mode { get; set; } = TcMode.Filter;

    /// <summary>Filter priority (tc's pref); 0 lets the kernel choose.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public uint Priority { get; set; }

    /// <summary>Filter handle; 0 lets the kernel choose.</summary>
    [Parameter]
    public uint Handle { get; set; }

    protected override BpfHookKind Hook => BpfHookKind.Tc;

    protected override string Action(AttachableProgram program) =>
        $"Attach TC {Direction} program '{program.Info.Name}' (id {program.Info.Id}) as {Mode}";

    protected override HookPoint At => new TcHookPoint(Direction, Mode, Priority, Handle);
}
