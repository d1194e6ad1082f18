using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>Whether kernel BPF run-time statistics are held on by this session.</summary>
public sealed record BpfStatisticsState(bool Enabled, System.DateTime? Since);

/// <summary>Turns on kernel run-time statistics (RunCount, RunTimeNs in Get-BpfProgram) for this session.</summary>
[Cmdlet(VerbsLifecycle.Enable, "BpfStatistics", SupportsShouldProcess = true)]
[OutputType(typeof(BpfStatisticsState))]
public sealed class EnableBpfStatisticsCommand : EbpfCmdlet
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ShouldProcess("kernel BPF run-time statistics", "Enable for this session"))
            Run(() => { BpfStatistics.Enable(); if (PassThru) WriteObject(State()); });
    }

    internal static BpfStatisticsState State() =>
        new(BpfStatistics.Enabled, BpfStatistics.Since);
}

/// <summary>Lets go of this session's hold on kernel run-time statistics.</summary>
[Cmdlet(VerbsLifecycle.Disable, "BpfStatistics", SupportsShouldProcess = true)]
[OutputType(typeof(BpfStatisticsState))]
public sealed class DisableBpfStatisticsCommand : EbpfCmdlet
{
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ShouldProcess("kernel BPF run-time statistics", "Disable for this session"))
            Run(() => { BpfStatistics.Disable(); if (PassThru) WriteObject(EnableBpfStatisticsCommand.State()); });
    }
}
