using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Lists the BPF programs the kernel holds, whoever loaded them (bpftool prog show).</summary>
[Cmdlet(VerbsCommon.Get, "BpfProgram", DefaultParameterSetName = AllSet)]
[OutputType(typeof(BpfProgramInfo))]
public sealed class GetBpfProgramCommand : EbpfCmdlet
{
    private const string AllSet = "All", IdSet = "Id";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    public uint[] Id { get; set; } = null!;

    [Parameter(Position = 0, ParameterSetName = AllSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelProgramNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Program type as bpftool names it: xdp, sched_cls, tracing, ...</summary>
    [Parameter(ParameterSetName = AllSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProgramTypeCompleter))]
    public string[]? Type { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            foreach (uint id in Id)
                Run(() => WriteCounted(KernelInventory.ProgramById(id)), id);
            return;
        }
        var names = Wildcards.Of(Name);
        var types = Wildcards.Of(Type);
        WriteEach(() => KernelInventory.Programs().Where(p => Wildcards.Match(names, p.Name)
            && Wildcards.Match(types, p.Type)));
    }

    protected override string? Summary => $"Read {ActionMessages.Count(Written, "program")} from the kernel.";
}
