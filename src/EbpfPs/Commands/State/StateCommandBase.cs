using System.Collections;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// What Test-BpfState and Set-BpfState share: the desired state comes from .psd1 files (-Path, -LiteralPath) or
/// a hashtable of the same shape (-State, e.g. $using:state inside Invoke-Command).
/// </summary>
public abstract class StateCommandBase : EbpfCmdlet
{
    protected const string PathSet = "Path", LiteralPathSet = "LiteralPath", StateSet = "State";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    public string[] LiteralPath { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = StateSet, ValueFromPipeline = true)]
    public IDictionary State { get; set; } = null!;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // Scratch loads of state runs killed mid-load (kill -9 skips their finally) would stay pinned for good: they
        // go first, once per command, whatever this run's state turns out to be.
        Run(StateScratch.SweepOrphans);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == StateSet)
        {
            string here = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            Run(() => Process(BpfStateDocument.Parse(
                (IDictionary)PlainValue.From(State, StateFileLimits.MaxDepth, StateFileLimits.TooDeepState)!, null,
                here)), "State");
            return;
        }
        foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
            ParameterSetName == LiteralPathSet))
            Run(() => Process(StateFileReader.Read(path)), path);
    }

    /// <summary>Compares (and for Set, applies) one document.</summary>
    protected abstract void Process(BpfStateDocument document);

    /// <summary>Where a difference is, for ShouldProcess and messages: "veth-ra in ns r1".</summary>
    protected static string TargetOf(BpfStateDifference d) =>
        d.NetNamespace is null ? d.Target : $"{d.Target} in network namespace {d.NetNamespace}";
}
