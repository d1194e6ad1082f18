using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>
/// Unpins programs and maps from bpffs, or removes kernel programs by id: every pin of the program goes and,
/// with -Detach, its XDP and TC attachments; what still holds a program is named in an error.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfProgram", DefaultParameterSetName = PathSet, SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfProgramCommand : EbpfCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath", IdSet = "Id", InputSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "PinnedPath")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>Kernel program ids (as Get-BpfProgram shows them).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    public uint[] Id { get; set; } = null!;

    /// <summary>Programs from Get-BpfProgram.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public BpfProgramInfo[] InputObject { get; set; } = null!;

    /// <summary>Also detach the program from every XDP and TC hook (and xdp, tcx, netkit link) it is on.</summary>
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = InputSet)]
    public SwitchParameter Detach { get; set; }

    /// <summary>Detaching changes the hooks of interfaces (netlink, tcx links): CAP_NET_ADMIN too.</summary>
    protected override Privilege Needs => Detach ? Privilege.Bpf | Privilege.NetAdmin : Privilege.Bpf;

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case IdSet:
                foreach (uint id in Id)
                    RemoveById(id, $"program {id}");
                break;
            case InputSet:
                foreach (BpfProgramInfo program in InputObject)
                    RemoveById(program.Id, $"program {program.Id} ({program.Name})");
                break;
            default:
                foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
                    ParameterSetName == LiteralPathSet))
                    if (ShouldProcess(path, "Unpin BPF object"))
                        Run(() => Pins.Remove(path), path);
                break;
        }
    }

    private void RemoveById(uint id, string label)
    {
        string action = Detach ? "Unpin every pin of it and detach it from its XDP and TC hooks"
            : "Unpin every pin of it";
        if (!ShouldProcess(label, action))
            return;
        Run(() =>
        {
            ProgramRemovalResult result = ProgramRemoval.Remove(id, Detach);
            foreach (string step in result.Done)
                WriteVerbose($"Program {id} ({result.Name}): {step}.");
            if (result.StillLoaded is not null)
                throw result.StillLoaded;
            WriteVerbose($"Program {id} ({result.Name}) is no longer loaded.");
        }, id);
    }
}
