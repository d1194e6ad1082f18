using System.Management.Automation;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Watching;

namespace EbpfPs.Commands;

/// <summary>
/// Writes one entry: the key and value as Get-BpfMapEntry returns them, hashtables, objects, numbers or bytes.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BpfMapEntry", DefaultParameterSetName = InputSet, SupportsShouldProcess = true)]
[OutputType(typeof(BpfMapEntry))]
public sealed class SetBpfMapEntryCommand : MapCommandBase
{
    [Parameter(Mandatory = true)]
    [AllowNull]
    public object Key { get; set; } = null!;

    /// <summary>For per-CPU maps: one value for every CPU, or an array with one value per possible CPU.</summary>
    [Parameter(Mandatory = true)]
    [AllowNull]
    public object Value { get; set; } = null!;

    [Parameter]
    public MapUpdateFlag Flag { get; set; } = MapUpdateFlag.Any;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                {
                    object? key = PlainValue.From(Key, "-Key");
                    if (!ShouldProcess($"map {map.Info.Name} (id {map.Info.Id})", $"Set entry {MapSampler.Text(key)}"))
                        continue;
                    map.Update(key, PlainValue.From(Value, "-Value"), Flag);
                    WriteVerbose($"Set the entry for key {Key} of map {map.Info.Name} (id {map.Info.Id}).");
                    if (PassThru)
                        WriteObject(map.Lookup(key));
                }
        }, Key);
    }
}
