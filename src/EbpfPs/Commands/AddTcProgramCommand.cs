using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>Attaches a program to the TC ingress or egress hook of interfaces, as a clsact filter or a tcx link.</summary>
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

    protected override void AttachAll(AttachableProgram program, List<string> names, string? netns)
    {
        var interfaces = ResolveInterfaces(names, netns);
        var chosen = new List<(int Index, string Name)>();
        foreach (var i in interfaces)
            if (ShouldProcess(i.Name + Where(netns), $"Attach TC {Direction} program '{program.Info.Name}' (id {program.Info.Id}) as {Mode}"))
                chosen.Add(i);
        if (chosen.Count == 0) return;
        IReadOnlyList<TcAttachment> done = Tc.Attach(program, chosen, Direction, Mode, Priority, Handle, netns, Force);
        if (PassThru)
            WriteObject(done, enumerateCollection: true);
    }
}
