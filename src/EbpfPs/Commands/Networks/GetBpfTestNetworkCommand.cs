using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Network;

namespace EbpfPs.Commands;

/// <summary>Lists the test networks New-BpfTestNetwork made, in this session or an earlier one.</summary>
[Cmdlet(VerbsCommon.Get, "BpfTestNetwork")]
[OutputType(typeof(BpfTestNetwork))]
public sealed class GetBpfTestNetworkCommand : EbpfCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TestNetworkNameCompleter))]
    public string[]? Name { get; set; }

    protected override bool NeedsLibbpf => false;

    protected override void ProcessRecord()
    {
        var names = Wildcards.Of(Name);
        WriteEach(() => TestNetworks.List(WriteWarning).Where(n => Wildcards.Match(names, n.Name)));
    }
}
