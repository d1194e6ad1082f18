using System.Linq;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// What Get-XdpProgram and Get-TcProgram share: which interfaces, in one namespace or in all of them.
/// </summary>
public abstract class InterfaceListCommandBase : EbpfCmdlet
{
    protected const string OneSet = "One", AllSet = "All";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[]? Interface { get; set; }

    /// <summary>The named namespaces to look in (this session's when omitted).</summary>
    [Parameter(ParameterSetName = OneSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string[]? NetNamespace { get; set; }

    /// <summary>This namespace and every named one (/run/netns).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The namespaces to look in: null stands for the one this session runs in.</summary>
    protected string?[] Namespaces() =>
        AllNamespaces ? new string?[] { null }.Concat(Engine.Network.NetNamespace.List()).ToArray()
            : NetNamespace is { Length: > 0 } named ? named.Distinct().ToArray<string?>() : new string?[] { null };

    protected bool Selected(string interfaceName) => Wildcards.Match(Wildcards.Of(Interface), interfaceName);
}
