using System.Management.Automation;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Watching;

namespace EbpfPs.Commands;

/// <summary>Deletes entries from a map by key.</summary>
[Cmdlet(VerbsCommon.Remove, "BpfMapEntry", DefaultParameterSetName = InputSet, SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveBpfMapEntryCommand : MapCommandBase
{
    /// <summary>The keys to delete (a number, a hashtable or object with the key's fields, or bytes).</summary>
    [Parameter(Mandatory = true)]
    [MapKeyListTransformation]
    public object[] Key { get; set; } = null!;

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                    foreach (object k in Key)
                        if (ShouldProcess($"map {map.Info.Name} (id {map.Info.Id})",
                                $"Delete entry {MapSampler.Text(PlainValue.From(k, "-Key"))}"))
                            Run(() => map.Delete(PlainValue.From(k, "-Key")), k);
        });
    }
}
