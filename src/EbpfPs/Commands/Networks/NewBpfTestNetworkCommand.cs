using System;
using System.Management.Automation;
using System.Threading;
using EbpfPs.Engine;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Commands;

/// <summary>
/// Makes network namespaces joined by veth pairs to attach and measure on, away from real interfaces.
/// </summary>
[Cmdlet(VerbsCommon.New, "BpfTestNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(BpfTestNetwork))]
public sealed class NewBpfTestNetworkCommand : EbpfCmdlet
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Prefix of the namespaces' names; a unique one is made up when omitted.</summary>
    [Parameter(Position = 0)]
    public string? Name { get; set; }

    [Parameter]
    public TestTopology Topology { get; set; } = TestTopology.Pair;

    /// <summary>Fleet only: how many routers (1 to 16; 3 when omitted).</summary>
    [Parameter]
    public int Count { get => _count ?? 3; set => _count = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private int? _count;

    protected override bool NeedsLibbpf => false;

    protected override Privilege Needs => Privilege.NetAdmin | Privilege.SysAdmin;

    protected override void ProcessRecord()
    {
        string what = Topology == TestTopology.Fleet
            ? $"Create a Fleet test network of {Count} routers (namespaces, veth pairs, one veth into this " +
                "namespace, an sshd per router)"
            : $"Create a {Topology} test network (network namespaces and veth pairs)";
        if (ShouldProcess(Name ?? "(new name)", what))
            Run(() =>
            {
                BpfTestNetwork made;
                try
                {
                    made = TestNetworks.Create(Name, Topology, _count, _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // Stopped with Ctrl+C: the engine has removed what it had made.
                    return;
                }
                try
                {
                    WriteVerbose($"Created {made.Topology} test network {made.Name}: network namespaces " +
                        $"{string.Join(", ", made.Namespaces)}.");
                    WriteObject(made);
                }
                catch (PipelineStoppedException) when (_stop.IsCancellationRequested)
                {
                    // Stopped just as it was made: nobody got the network to remove, so it goes now.
                    TestNetworks.Remove(made.Name);
                    throw;
                }
            }, Name);
    }

    protected override void StopProcessing() => _stop.Cancel();
}
