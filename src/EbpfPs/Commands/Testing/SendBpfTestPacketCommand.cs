using System.Management.Automation;
using EbpfPs.Engine;
using System.Threading;
using EbpfPs.Engine.Measuring;

namespace EbpfPs.Commands;

/// <summary>
/// Sends a test packet out of an interface, count times, using the kernel's live-frames mode (no socket, any frame).
/// </summary>
[Cmdlet(VerbsCommunications.Send, "BpfTestPacket", SupportsShouldProcess = true)]
[OutputType(typeof(TestPacketsSent))]
public sealed class SendBpfTestPacketCommand : EbpfCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public BpfTestPacket Packet { get; set; } = null!;

    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Interface { get; set; } = null!;

    /// <summary>Required: test packets go out of test namespaces only, never the host's own interfaces.</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string NetNamespace { get; set; } = null!;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public ulong Count { get; set; } = 1;

    private readonly CancellationTokenSource _stop = new();

    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin | Privilege.SysAdmin;

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Interface} in network namespace {NetNamespace}", $"Send {Count} x {Packet}"))
            return;
        Run(() =>
        {
            var progress = new ProgressRecord(1, "Send-BpfTestPacket", $"Sending {Count:N0} x {Packet}");
            try
            {
                // A large -Count takes a while: say how far it got (about once a second), and stop on Ctrl+C.
                WriteObject(TestPacketSender.Send(Interface, NetNamespace, Packet, Count, _stop.Token, (n, _) =>
                {
                    progress.StatusDescription = $"{n:N0} of {Count:N0} frames sent";
                    progress.PercentComplete = (int)(100.0 * n / Count);
                    WriteProgress(progress);
                }));
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        });
    }

    protected override void StopProcessing() => _stop.Cancel();
}
