using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>Lists BPF programs on TC hooks: clsact filters (ours or tc's) and tcx links.</summary>
[Cmdlet(VerbsCommon.Get, "TcProgram", DefaultParameterSetName = OneSet)]
[OutputType(typeof(TcAttachment))]
public sealed class GetTcProgramCommand : EbpfCmdlet
{
    private const string OneSet = "One", AllSet = "All";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[]? Interface { get; set; }

    [Parameter]
    public TcDirection? Direction { get; set; }

    [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter AllNamespaces { get; set; }

    protected override void ProcessRecord()
    {
        var patterns = Wildcards.Of(Interface);
        string?[] namespaces = AllNamespaces ? new string?[] { null }.Concat(Engine.NetNamespace.List()).ToArray() : new[] { NetNamespace };
        foreach (string? ns in namespaces)
            WriteEach(Tc.List(ns, all => all.Where(i => Wildcards.Match(patterns, i.Name)), Direction), ns);
    }
}
