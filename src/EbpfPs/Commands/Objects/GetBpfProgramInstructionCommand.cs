using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>
/// A loaded program's instructions as the verifier left them, with their C source lines (bpftool prog dump xlated
/// linum), or its machine code per source line (-Jited: bpftool prog dump jited linum, as bytes).
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfProgramInstruction", DefaultParameterSetName = NameSet)]
[OutputType(typeof(BpfInstruction), typeof(BpfJitedCode))]
public sealed class GetBpfProgramInstructionCommand : EbpfCmdlet
{
    private const string NameSet = "Name", IdSet = "Id", LiteralPathSet = "LiteralPath";

    /// <summary>Program ids; programs from Get-BpfProgram and attachments (ProgramId) come by the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    [Alias("ProgramId")]
    public uint[] Id { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelProgramNameCompleter))]
    public string[] Name { get; set; } = null!;

    /// <summary>Paths of pinned programs on bpffs (bpftool's "pinned PATH").</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>The JIT's machine code per line info record instead of the instructions.</summary>
    [Parameter]
    public SwitchParameter Jited { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (string path in ResolvePaths(LiteralPath, literal: true))
                WriteEach(() => Code(ProgramCode.PinnedProgramId(path)), path);
            return;
        }
        if (ParameterSetName == IdSet)
        {
            foreach (uint id in Id)
                WriteEach(() => Code(id), id);
            return;
        }
        // Each program on its own: one that is unloaded between the listing and the read is its own error.
        var names = Wildcards.Of(Name);
        List<BpfProgramInfo> matched = new();
        Run(() => matched = KernelInventory.Programs().Where(p => Wildcards.Match(names, p.Name)).ToList(),
            string.Join(", ", Name));
        foreach (BpfProgramInfo program in matched)
            WriteEach(() => Code(program.Id), program.Name);
    }

    private IEnumerable<object> Code(uint id) => Jited
        ? ProgramCode.Jited(id)
        : ProgramCode.Instructions(id);

    protected override string? Summary => Jited
        ? $"Read {ActionMessages.Count(Written, "region")} of machine code."
        : $"Read {ActionMessages.Count(Written, "instruction")}.";
}
