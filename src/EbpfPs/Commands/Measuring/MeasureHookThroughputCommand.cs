using System;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Errors;
using System.Threading;
using EbpfPs.Engine.Measuring;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Commands;

/// <summary>
/// Measures packets per second through a program at XDP native, XDP generic, TC and tcx, on a test network.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "HookThroughput", DefaultParameterSetName = ProgramSet, SupportsShouldProcess = true)]
[OutputType(typeof(HookThroughput))]
public sealed class MeasureHookThroughputCommand : ProgramCommandBase
{
    private const double NoisySpread = 0.10;
    private readonly CancellationTokenSource _stop = new();

    [Parameter]
    [ValidateSet(nameof(BpfHook.XdpNative), nameof(BpfHook.XdpGeneric), nameof(BpfHook.TcIngress), nameof(BpfHook.Tcx),
        nameof(BpfHook.Stack))]
    public BpfHook[] Hook { get; set; } = HookMeasurementOptions.DefaultHooks.ToArray();

    /// <summary>Frame sizes on the wire including FCS (64 is the Ethernet minimum).</summary>
    [Parameter]
    public int[] PacketSize { get; set; } = HookMeasurementOptions.DefaultPacketSizes.ToArray();

    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Duration { get; set; } = HookMeasurementOptions.DefaultDuration;

    /// <summary>Send this many frames per sample instead of sending for -Duration.</summary>
    [Parameter]
    public ulong Count { get; set; }

    /// <summary>Samples per hook and size, taken interleaved; the median is reported with the spread.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Repeat { get; set; } = HookMeasurementOptions.DefaultRepeat;

    /// <summary>
    /// The setup of tk154/eBPF-Tests: the program on the router of a Routed network, traffic from client A through it
    /// to client B.
    /// </summary>
    [Parameter]
    public SwitchParameter Routed { get; set; }

    /// <summary>LiveFrames (the kernel's generator), or Tcp / Udp: iperf3 through the router (-Routed).</summary>
    [Parameter]
    public MeasureTraffic Traffic { get; set; } = HookMeasurementOptions.DefaultTraffic;

    /// <summary>Distinct 5-tuples sent round-robin, so per-flow maps and route caches see many flows.</summary>
    [Parameter]
    public int Flows { get; set; } = HookMeasurementOptions.DefaultFlows;

    /// <summary>Search for the highest rate whose loss stays within -LossTolerance (RFC 2544 throughput).</summary>
    [Parameter]
    public SwitchParameter ZeroLoss { get; set; }

    /// <summary>The fraction of frames a zero-loss trial may lose and still pass (0.001 = 0.1%).</summary>
    [Parameter]
    public double LossTolerance { get; set; } = HookMeasurementOptions.DefaultLossTolerance;

    /// <summary>GRO on the router's interfaces with -Traffic Tcp or Udp (On, as a Linux router has it).</summary>
    [Parameter]
    public ReceiveOffload ReceiveOffload { get; set; } = HookMeasurementOptions.DefaultReceiveOffload;

    /// <summary>
    /// A Pair test network (object or name), Routed with -Routed; one is made and removed when omitted.
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    [TestNetworkTransformation]
    [ArgumentCompleter(typeof(TestNetworkNameCompleter))]
    public BpfTestNetwork? Network { get; set; }

    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin | Privilege.SysAdmin;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Count))
            && MyInvocation.BoundParameters.ContainsKey(nameof(Duration)))
            Terminate(new BpfException(ErrorId.CountWithDuration,
                "A sample sends -Count frames or sends for -Duration; give one of them, not both.", "Count",
                recommendedAction: "Leave out -Duration to send a fixed number of frames."));
    }

    protected override void ProcessRecord()
    {
        BpfTestNetwork? network = null;
        Run(() =>
        {
            // Read the network's current state: a name is only a name, and an object may be stale.
            network = Network is null ? null : TestNetworks.Get(Network.Name);
            string label = ProgramLabel;
            var options = new HookMeasurementOptions
            {
                OpenProgram = OpenProgram,
                ProgramLabel = label,
                PinPath = UserPinPath,
                Hooks = Hook,
                PacketSizes = PacketSize,
                Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? null : Duration,
                Count = MyInvocation.BoundParameters.ContainsKey(nameof(Count)) ? Count : null,
                Repeat = Repeat,
                Network = network,
                Routed = Routed,
                Traffic = Traffic,
                Flows = Flows,
                ZeroLoss = ZeroLoss,
                LossTolerance = LossTolerance,
                ReceiveOffload = ReceiveOffload,
            };
            string where = network?.Name ?? $"a new {(Routed ? "Routed" : "Pair")} test network";
            string traffic = Traffic == MeasureTraffic.LiveFrames
                ? "send live frames" : $"run iperf3 {Traffic} from client A to client B";
            if (!ShouldProcess(where, $"Attach '{label}' at {string.Join(", ", Hook)} in turn and {traffic}"))
                return;
            var progress = new ProgressRecord(1, "Measure-HookThroughput", "starting");
            var warnedPass = new System.Collections.Generic.HashSet<BpfHook>();
            try
            {
                foreach (HookThroughput r in HookMeasurement.Run(options, (what, percent) =>
                         {
                             progress.StatusDescription = what;
                             progress.PercentComplete = percent;
                             WriteProgress(progress);
                         }, _stop.Token))
                {
                    if (r.Spread > NoisySpread)
                        WriteWarning($"{r.Hook} at {r.PacketSize} bytes: the {r.Samples} samples spread " +
                            $"{r.Spread:P0} around the median, so the machine was noisy. Take more samples " +
                            "(-Repeat) or longer ones (-Duration).");
                    if (r.ProgramVerdict is not null && warnedPass.Add(r.Hook))
                        WriteWarning($"{r.Hook}: '{r.Program}' returned {r.ProgramVerdict}: its namespace's stack " +
                            $"received {r.StackReceived:N0} IP packets over {r.ProgramRuns:N0} runs of it, so the " +
                            "frames go on to the kernel's stack and this row measures that stack as much as the " +
                            "program.");
                    WriteObject(r);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped with Ctrl+C: the engine has already detached and cleaned up.
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }, Network);
    }

    protected override void StopProcessing() => _stop.Cancel();
}
