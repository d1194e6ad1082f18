using System.Management.Automation;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>
/// Pins a program, map or link that is loaded already at a path on bpffs (bpftool prog pin, map pin, link pin),
/// so it outlives the process that holds it.
/// </summary>
[Cmdlet(VerbsCommon.New, "BpfPin", SupportsShouldProcess = true, DefaultParameterSetName = InputSet)]
[OutputType(typeof(BpfPin))]
public sealed class NewBpfPinCommand : EbpfCmdlet
{
    private const string InputSet = "InputObject", ProgramSet = "ProgramId", MapSet = "MapId", LinkSet = "LinkId";

    /// <summary>Where the pin goes, on bpffs; missing folders on the way are made.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Path", "PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    /// <summary>A program, map or link from Get-BpfProgram, Get-BpfMap, Get-BpfLink or Import-BpfObject.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ProgramSet)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    public uint ProgramId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = MapSet)]
    [ArgumentCompleter(typeof(KernelMapIdCompleter))]
    public uint MapId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = LinkSet)]
    [ArgumentCompleter(typeof(KernelLinkIdCompleter))]
    public uint LinkId { get; set; }

    /// <summary>Replaces a pin already at the path (put back if the new pin fails).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
            (BpfPinKind kind, uint id) = ParameterSetName switch
            {
                ProgramSet => (BpfPinKind.Program, ProgramId),
                MapSet => (BpfPinKind.Map, MapId),
                LinkSet => (BpfPinKind.Link, LinkId),
                _ => LoadedPins.KindAndId(InputObject is PSObject o ? o.BaseObject : InputObject),
            };
            string what = $"BPF {kind.ToString().ToLowerInvariant()} {id}";
            LoadedPins.CheckPath(path, Force);
            if (ShouldProcess(path, $"Pin {what}"))
                WriteCounted(LoadedPins.Pin(kind, id, path, Force));
        }, LiteralPath);
    }
}
