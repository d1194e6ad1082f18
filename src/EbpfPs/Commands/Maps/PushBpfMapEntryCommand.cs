using System.Management.Automation;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Watching;

namespace EbpfPs.Commands;

/// <summary>
/// Pushes values onto a queue or stack, in the order given, or adds them to a bloom filter (bpftool map push).
/// </summary>
[Cmdlet(VerbsCommon.Push, "BpfMapEntry", DefaultParameterSetName = InputSet, SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class PushBpfMapEntryCommand : MapCommandBase
{
    /// <summary>
    /// The values (a number, a hashtable or object with the value's fields, or bytes), pushed in order.
    /// </summary>
    [Parameter(Mandatory = true)]
    [MapKeyListTransformation]
    public object[] Value { get; set; } = null!;

    /// <summary>A full queue or stack drops the value a pop would take next to make room, instead of MapFull.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                    foreach (object v in Value)
                    {
                        object? value = PlainValue.From(v, "-Value");
                        if (ShouldProcess($"map {map.Info.Name} (id {map.Info.Id})",
                                $"Push value {MapSampler.Text(value)}"))
                            map.Push(value, Force);
                    }
        });
    }
}
