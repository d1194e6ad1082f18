using System;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.TestNetwork;

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

    /// <summary>Only the networks this process (this PowerShell session) made.</summary>
    [Parameter]
    public SwitchParameter Mine { get; set; }

    /// <summary>Only networks made longer ago than this (a TimeSpan, or seconds).</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan OlderThan { get => _olderThan ?? TimeSpan.Zero; set => _olderThan = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private TimeSpan? _olderThan;

    protected override bool NeedsLibbpf => false;

    protected override void ProcessRecord()
    {
        var names = Wildcards.Of(Name);
        WriteEach(() => TestNetworks.List(WriteWarning).Where(n => Wildcards.Match(names, n.Name)
            && (!Mine || n.Mine) && (_olderThan is not TimeSpan age || TestNetworkOwnership.OlderThan(n, age))));
    }

    protected override string? Summary => $"Found {ActionMessages.Count(Written, "test network")}.";
}
