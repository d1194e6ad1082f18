using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Turns on kernel run-time statistics (RunCount, RunTimeNs in Get-BpfProgram) for this session.</summary>
[Cmdlet(VerbsLifecycle.Enable, "BpfStatistics", SupportsShouldProcess = true)]
[OutputType(typeof(BpfStatisticsState))]
public sealed class EnableBpfStatisticsCommand : EbpfCmdlet
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ShouldProcess("kernel BPF run-time statistics", "Enable for this session"))
            Run(() => { BpfStatistics.Enable(); if (PassThru) WriteObject(BpfStatistics.State); });
    }
}
