using System.IO;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>
/// Unpins programs and maps from bpffs, or releases an object Import-BpfObject loaded (unpinning
/// what it pinned). The kernel frees a program once nothing pins, attaches or holds it.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfProgram", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfProgramCommand : EbpfCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath", ObjectSet = "Object";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "PinnedPath")]
    public string[] LiteralPath { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    public BpfObject InputObject { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ObjectSet)
        {
            if (ShouldProcess(InputObject.Path, InputObject.PinPath is null ? "Release loaded BPF object" : $"Unpin from {InputObject.PinPath} and release BPF object"))
                Run(() => { BpfObjectLoader.Unpin(InputObject); InputObject.Dispose(); }, InputObject);
            return;
        }
        foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet))
            if (ShouldProcess(path, "Unpin BPF object"))
                Run(() => Pins.Remove(path), path);
    }
}
