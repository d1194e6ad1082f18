using System.Management.Automation;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// Creates a map before any program exists and pins it (bpftool map create), a shared blocklist say; programs
/// loaded later take it over by name under the same -PinPath folder.
/// </summary>
[Cmdlet(VerbsCommon.New, "BpfMap", SupportsShouldProcess = true)]
[OutputType(typeof(BpfMapInfo))]
public sealed class NewBpfMapCommand : EbpfCmdlet
{
    /// <summary>Where to pin the map, on bpffs: a map no pin holds would be freed when the command ends.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Path", "PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    /// <summary>The map's name: up to 15 letters, digits, '_' or '.'.</summary>
    [Parameter(Mandatory = true)]
    public string Name { get; set; } = null!;

    /// <summary>The map type as bpftool spells it: hash, array, lru_hash, percpu_array, lpm_trie, ...</summary>
    [Parameter(Mandatory = true)]
    [ArgumentCompleter(typeof(MapTypeCompleter))]
    public string Type { get; set; } = null!;

    [Parameter(Mandatory = true)]
    public uint KeySize { get; set; }

    [Parameter(Mandatory = true)]
    public uint ValueSize { get; set; }

    [Parameter(Mandatory = true)]
    public uint MaxEntries { get; set; }

    /// <summary>BPF_F_* map flags as a number (BPF_F_NO_PREALLOC is 1), as bpftool's flags takes them.</summary>
    [Parameter]
    public uint Flags { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
            var spec = new BpfMapSpec(Name, Type, KeySize, ValueSize, MaxEntries, Flags);
            MapCreation.Check(spec, path);
            if (ShouldProcess(path, $"Create {Type} map '{Name}' ({KeySize}-byte keys, {ValueSize}-byte values, " +
                    $"{MaxEntries} entries) and pin it"))
                WriteCounted(MapCreation.Create(spec, path));
        }, Name);
    }
}
