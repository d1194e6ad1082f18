using System.Management.Automation;
using EbpfPs.Engine.Attach;

namespace EbpfPs.Commands;

/// <summary>Lists XDP programs attached to interfaces, in one namespace or all of them.</summary>
[Cmdlet(VerbsCommon.Get, "XdpProgram", DefaultParameterSetName = OneSet)]
[OutputType(typeof(XdpAttachment))]
public sealed class GetXdpProgramCommand : InterfaceListCommandBase
{
    protected override void ProcessRecord() => WriteEachNamespace(ns => Attachments.ListXdp(ns, Selected(ns)));

    protected override string? Summary => ReadSummary("XDP attachment");
}
