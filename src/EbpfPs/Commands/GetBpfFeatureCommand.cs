using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>What this kernel supports: program and map types, helpers, tcx, JIT, BTF, bpffs.</summary>
[Cmdlet(VerbsCommon.Get, "BpfFeature")]
[OutputType(typeof(BpfFeature))]
public sealed class GetBpfFeatureCommand : EbpfCmdlet
{
    [Parameter(Position = 0)]
    [ValidateSet(FeatureProbe.System, FeatureProbe.ProgramType, FeatureProbe.MapType, FeatureProbe.Helper, IgnoreCase = true)]
    public string[]? Category { get; set; }

    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var names = Wildcards.Of(Name);
        WriteEach(FeatureProbe.Probe(Category).Where(f => Wildcards.Match(names, f.Name)));
    }
}
