using System.Management.Automation;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>
/// Unpins programs and maps from bpffs. The kernel frees a program once nothing pins, attaches or holds
/// it; objects loaded by Import-BpfObject are released with Remove-BpfObject.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfProgram", DefaultParameterSetName = PathSet, SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfProgramCommand : EbpfCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "PinnedPath")]
    public string[] LiteralPath { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
            ParameterSetName == LiteralPathSet))
            if (ShouldProcess(path, "Unpin BPF object"))
                Run(() => Pins.Remove(path), path);
    }
}
