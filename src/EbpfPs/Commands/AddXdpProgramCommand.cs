using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>Attaches an XDP program to one or more interfaces, all or none.</summary>
[Cmdlet(VerbsCommon.Add, "XdpProgram", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true)]
[OutputType(typeof(XdpAttachment))]
public sealed class AddXdpProgramCommand : AttachCommandBase
{
    [Parameter]
    public XdpMode Mode { get; set; } = XdpMode.Auto;

    protected override BpfHookKind Hook => BpfHookKind.Xdp;

    protected override void AttachAll(AttachableProgram program, List<string> names, string? netns)
    {
        var interfaces = ResolveInterfaces(names, netns);
        var chosen = new List<(int Index, string Name)>();
        foreach (var i in interfaces)
            if (ShouldProcess(i.Name + Where(netns), $"Attach XDP program '{program.Info.Name}' (id {program.Info.Id}) in {Mode} mode"))
                chosen.Add(i);
        if (chosen.Count == 0) return;
        IReadOnlyList<XdpAttachment> done = Xdp.Attach(program, chosen, Mode, netns, Force);
        if (PassThru)
            WriteObject(done, enumerateCollection: true);
    }
}
