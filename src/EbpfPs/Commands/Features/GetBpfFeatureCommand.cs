using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>What this kernel supports: program and map types, helpers, tcx, JIT, BTF, bpffs.</summary>
[Cmdlet(VerbsCommon.Get, "BpfFeature")]
[OutputType(typeof(BpfFeature))]
public sealed class GetBpfFeatureCommand : EbpfCmdlet
{
    [Parameter(Position = 0)]
    [ValidateSet(FeatureProbe.System, FeatureProbe.ProgramType, FeatureProbe.MapType, FeatureProbe.Helper,
        FeatureProbe.Interface, IgnoreCase = true)]
    public string[]? Category { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(FeatureNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Also tell which XDP modes these interfaces support (Category Interface).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[]? Interface { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    protected override void ProcessRecord()
    {
        var names = Wildcards.Of(Name);
        if (Interface is not null)
        {
            foreach (string i in Interface)
                WriteEach(() => FeatureProbe.InterfaceFeatures(i, NetNamespace)
                    .Where(f => Wildcards.Match(names, f.Name)), i);
            // With -Interface alone, the interface rows are what was asked for.
            if (Category is null || Category.All(c => c.Equals(FeatureProbe.Interface,
                System.StringComparison.OrdinalIgnoreCase)))
                return;
        }
        if (Category is not null && Category.All(c => c.Equals(FeatureProbe.Interface,
            System.StringComparison.OrdinalIgnoreCase)))
            return;
        WriteEach(() => FeatureProbe.Probe(Category).Where(f => Wildcards.Match(names, f.Name)));
    }

    protected override string? Summary => $"Reported {ActionMessages.Count(Written, "feature")} of this kernel.";
}
