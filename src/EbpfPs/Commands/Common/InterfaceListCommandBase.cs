using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Attach;

namespace EbpfPs.Commands;

/// <summary>
/// What Get-XdpProgram and Get-TcProgram share: which interfaces, in one namespace or in all of them.
/// </summary>
public abstract class InterfaceListCommandBase : EbpfCmdlet
{
    protected const string OneSet = "One", AllSet = "All";

    /// <summary>Interface names (exact, case-sensitive), or patterns where no interface has the name.</summary>
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

    private int _namespacesRead;

    /// <summary>-Verbose's account of a listing: "Read 2 XDP attachments in 3 network namespaces."</summary>
    protected string ReadSummary(string noun) =>
        $"Read {ActionMessages.Count(Written, noun)} in {ActionMessages.Count(_namespacesRead, "network namespace")}.";

    /// <summary>The namespaces to look in: null stands for the one this session runs in.</summary>
    protected string?[] Namespaces() =>
        AllNamespaces ? new string?[] { null }.Concat(Engine.Network.NetNamespace.List()).ToArray()
            : NetNamespace is { Length: > 0 } named ? named.Distinct().ToArray<string?>() : new string?[] { null };

    /// <summary>
    /// Writes what list finds in each namespace asked for. With -AllNamespaces, a namespace deleted between
    /// listing the namespaces and looking into it is skipped with a warning, not an error.
    /// </summary>
    protected void WriteEachNamespace<T>(Func<string?, IEnumerable<T>> list)
    {

        string?[] namespaces = Array.Empty<string?>();
        Run(() => namespaces = Namespaces());
        foreach (string? ns in namespaces)
            Run(() =>
            {
                IEnumerable<T> found;
                try
                {
                    found = list(ns).ToList();
                }
                catch (BpfException e) when (AllNamespaces && ns is not null
                    && e.ErrorId == ErrorId.NetNamespaceNotFound)
                {
                    WriteWarning($"Network namespace '{ns}' was deleted while the namespaces were listed; skipped.");
                    return;
                }
                _namespacesRead++;
                foreach (T item in found)
                    WriteCounted(item);
            }, ns);
    }

    /// <summary>The interfaces -Interface selects from a namespace's list (null: all of them).</summary>
    protected InterfaceFilter? Selected(string? netns) =>
        Interface is null ? null : new InterfaceQuery(Interface, netns, Wildcards.InterfaceMatcher).AsFilter();
}
