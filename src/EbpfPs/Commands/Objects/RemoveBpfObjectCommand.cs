using System.Management.Automation;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>
/// Releases objects Import-BpfObject loaded, unpinning what the import pinned. Programs and maps that
/// something else still attaches, pins or holds stay in the kernel.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfObject", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveBpfObjectCommand : EbpfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public BpfObject[] InputObject { get; set; } = null!;

    protected override bool NeedsLibbpf => false;

    protected override void ProcessRecord()
    {
        foreach (BpfObject obj in InputObject)
            if (ShouldProcess(obj.Path, obj.PinPath is null ? "Release loaded BPF object"
                : $"Unpin from {obj.PinPath} and release BPF object"))
                Run(() => BpfObjectLoader.Release(obj), obj);
    }
}
