using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Lets go of this session's hold on kernel run-time statistics.</summary>
[Cmdlet(VerbsLifecycle.Disable, "BpfStatistics", SupportsShouldProcess = true)]
[OutputType(typeof(BpfStatisticsState))]
public sealed class DisableBpfStatisticsCommand : EbpfCmdlet
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ShouldProcess("kernel BPF run-time statistics", "Disable for this session"))
            Run(() => { BpfStatistics.Disable(); if (PassThru) WriteObject(BpfStatistics.State); });
    }
}
