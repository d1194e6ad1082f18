using System.Collections;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.ProgramTests;

namespace EbpfPs.Commands;

/// <summary>
/// Runs an XDP or TC program on a packet with BPF_PROG_TEST_RUN and returns the verdict, output packet and time per
/// run.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BpfProgramTest", DefaultParameterSetName = ProgramSet)]
[OutputType(typeof(ProgramTestResult))]
public sealed class InvokeBpfProgramTestCommand : ProgramCommandBase
{
    /// <summary>Which build of a built-in program (Xdp or Tc).</summary>
    [Parameter]
    public BpfHookKind Hook { get; set; } = BpfHookKind.Xdp;

    /// <summary>A packet from New-BpfTestPacket, or bytes.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object Packet { get; set; } = null!;

    [Parameter]
    public int Repeat { get; set; } = 1;

    /// <summary>Run as if the packet arrived on this interface (FIB lookups need it).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? IngressInterface { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    /// <summary>XDP: the receive queue of -IngressInterface the packet arrives on (xdp_md's rx_queue_index).</summary>
    [Parameter]
    public uint RxQueueIndex { get => _rxQueueIndex ?? 0; set => _rxQueueIndex = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private uint? _rxQueueIndex;

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            byte[] bytes = Bytes(Packet is PSObject p ? p.BaseObject : Packet);
            using AttachableProgram program = OpenProgram(Hook);
            try
            {
                ProgramTestResult result = ProgramTester.Run(program, bytes, Repeat, IngressInterface,
                    NetNamespace, _rxQueueIndex);
                WriteVerbose($"Ran {result.ProgramType} program {result.Program} (id {result.ProgramId}) " +
                    $"{ActionMessages.Count(result.Repeat, "time")} on a {bytes.Length}-byte packet: " +
                    $"{result.Verdict} ({result.Action}), {result.NsPerRun} ns per run.");
                WriteObject(result);
            }
            finally
            {
                // What -PinPath pinned is the user's to keep; anything else this run pinned goes with it.
                if (PinPath is null)
                    program.RemoveCreatedPins();
            }
        });
    }

    /// <summary>One item of a byte array given as numbers: 0 to 255, or the packet is refused.</summary>
    private static byte Byte(object item, int at)
    {
        object value = item is PSObject w ? w.BaseObject : item;
        try
        {
            return System.Convert.ToByte(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.Exception e) when (e is System.OverflowException or System.FormatException
            or System.InvalidCastException)
        {
            throw new BpfException(ErrorId.UnsupportedPacketInput,
                $"-Packet item {at} is {value}, not a byte (0 to 255).", value);
        }
    }

    private static byte[] Bytes(object packet) => packet switch
    {
        BpfTestPacket t => t.Bytes,
        byte[] b => b,
        IEnumerable items and not string => items.Cast<object>().Select((i, at) => Byte(i, at)).ToArray(),
        _ => throw new BpfException(ErrorId.UnsupportedPacketInput,
            "-Packet takes New-BpfTestPacket output or a byte array.", packet),
    };
}
