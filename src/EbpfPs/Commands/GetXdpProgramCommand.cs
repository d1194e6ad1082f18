using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>Lists XDP programs attached to interfaces, in one namespace or all of them.</summary>
[Cmdlet(VerbsCommon.Get, "XdpProgram", DefaultParameterSetName = OneSet)]
[OutputType(typeof(XdpAttachment))]
public sealed class GetXdpProgramCommand : EbpfCmdlet
{
    private const string OneSet = "One", AllSet = "All";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[]? Interface { get; set; }

    [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    /// <summary>This namespace and every named one (/run/netns).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter AllNamespaces { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Wildcards.Of(Interface);
        string?[] namespaces = AllNamespaces ? new string?[] { null }.Concat(Engine.NetNamespace.List()).ToArray() : new[] { NetNamespace };
        foreach (string? ns in namespaces)
            WriteEach(Xdp.List(ns, all => all.Where(i => Wildcards.Match(patterns, i.Name))), ns);
    }
}
