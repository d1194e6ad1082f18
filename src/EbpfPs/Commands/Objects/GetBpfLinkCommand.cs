using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Lists the BPF links the kernel holds, whoever made them (bpftool link show).</summary>
[Cmdlet(VerbsCommon.Get, "BpfLink", DefaultParameterSetName = AllSet)]
[OutputType(typeof(BpfLinkInfo))]
public sealed class GetBpfLinkCommand : EbpfCmdlet
{
    private const string AllSet = "All", IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet)]
    [ArgumentCompleter(typeof(KernelLinkIdCompleter))]
    public uint[] Id { get; set; } = null!;

    /// <summary>Link types as bpftool names them: xdp, tcx, netns, cgroup, ...</summary>
    [Parameter(ParameterSetName = AllSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LinkTypeCompleter))]
    public string[]? Type { get; set; }

    /// <summary>Only the links of these programs (binds ProgramId of piped Get-TcProgram output).</summary>
    [Parameter(ParameterSetName = AllSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    public uint[]? ProgramId { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            foreach (uint id in Id)
                Run(() => WriteCounted(LinkInventory.LinkById(id)), id);
            return;
        }
        var types = Wildcards.Of(Type);
        WriteEach(() => LinkInventory.Links().Where(l => Wildcards.Match(types, l.Type)
            && (ProgramId is null || ProgramId.Contains(l.ProgramId))));
    }

    protected override string? Summary => $"Read {ActionMessages.Count(Written, "link")} from the kernel.";
}
