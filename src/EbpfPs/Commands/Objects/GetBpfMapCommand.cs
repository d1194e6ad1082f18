using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Lists the BPF maps the kernel holds, or opens pinned ones (bpftool map show).</summary>
[Cmdlet(VerbsCommon.Get, "BpfMap", DefaultParameterSetName = AllSet)]
[OutputType(typeof(BpfMapInfo))]
public sealed class GetBpfMapCommand : EbpfCmdlet
{
    private const string AllSet = "All", IdSet = "Id", PathSet = "Path", LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    public uint[] Id { get; set; } = null!;

    [Parameter(Position = 0, ParameterSetName = AllSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelMapNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "PinnedPath")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>A pinned map may be readable without capabilities (its file mode says); the kernel answers.</summary>
    protected override Privilege Needs => ParameterSetName is PathSet or LiteralPathSet ? Privilege.None
        : Privilege.Bpf;

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case IdSet:
                foreach (uint id in Id)
                    Run(() => WriteCounted(KernelInventory.MapById(id)), id);
                break;
            case PathSet:
            case LiteralPathSet:
                foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
                    ParameterSetName == LiteralPathSet))
                    Run(() => WriteCounted(KernelInventory.MapByPath(path)), path);
                break;
            default:
                var names = Wildcards.Of(Name);
                WriteEach(() => KernelInventory.Maps().Where(m => Wildcards.Match(names, m.Name)));
                break;
        }
    }

    protected override string? Summary => $"Read {ActionMessages.Count(Written, "map")} from the kernel.";
}
