using System.Management.Automation;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>Attaches an XDP program to one or more interfaces, all or none.</summary>
[Cmdlet(VerbsCommon.Add, "XdpProgram", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true)]
[OutputType(typeof(XdpAttachment))]
public sealed class AddXdpProgramCommand : AttachCommandBase
{
    [Parameter]
    public XdpMode Mode { get; set; } = XdpMode.Auto;

    protected override BpfHookKind Hook => BpfHookKind.Xdp;

    protected override string Action(AttachableProgram program) =>
        $"Attach XDP program '{program.Info.Name}' (id {program.Info.Id}) in {Mode} mode";

    protected override HookPoint At => new XdpHookPoint(Mode);
}
