using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Packets;
using EbpfPs.Engine.Testing;

namespace EbpfPs.Commands;

/// <summary>Runs an XDP or TC program on a packet with BPF_PROG_TEST_RUN and returns the verdict, output packet and time per run.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "BpfProgramTest", DefaultParameterSetName = ProgramSet)]
[OutputType(typeof(ProgramTestResult))]
public sealed class InvokeBpfProgramTestCommand : EbpfCmdlet
{
    private const string ProgramSet = "Program", PathSet = "Path", LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ProgramSet)]
    [ArgumentCompleter(typeof(BuiltinProgramCompleter))]
    public object Program { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    [Parameter]
    [ArgumentCompleter(typeof(BuiltinProgramCompleter))]
    public string? ProgramName { get; set; }

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

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            object packet = Packet is PSObject p ? p.BaseObject : Packet;
            byte[] bytes = packet switch
            {
                BpfTestPacket t => t.Bytes,
                byte[] b => b,
                System.Collections.IEnumerable items and not string => System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(System.Linq.Enumerable.Cast<object>(items), i => System.Convert.ToByte(i is PSObject w ? w.BaseObject : i))),
                _ => throw new BpfException("UnsupportedPacketInput", BpfErrorKind.InvalidArgument, "-Packet takes New-BpfTestPacket output or a byte array.", packet),
            };
            using AttachableProgram program = ParameterSetName == ProgramSet
                ? ProgramArgument.Open(Program, Hook, ProgramName)
                : AttachableProgram.FromFile(ParameterSetName == PathSet ? GetResolvedProviderPathFromPSPath(Path, out _)[0] : SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath), ProgramName, Hook);
            try
            {
                WriteObject(ProgramTester.Run(program, bytes, Repeat, IngressInterface, NetNamespace));
            }
            finally
            {
                program.RemoveCreatedPins();
            }
        });
    }
}
