using System.Management.Automation;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// Asks a bloom filter whether it may hold each value: MayContain False is certain, True may be a false positive.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BpfMapEntry", DefaultParameterSetName = InputSet)]
[OutputType(typeof(BloomFilterAnswer))]
public sealed class TestBpfMapEntryCommand : MapCommandBase
{
    /// <summary>The values to test (a number, a hashtable or object with the value's fields, or bytes).</summary>
    [Parameter(Mandatory = true)]
    [MapKeyListTransformation]
    public object[] Value { get; set; } = null!;

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                    foreach (object v in Value)
                    {
                        object? value = PlainValue.From(v, "-Value");
                        WriteObject(new BloomFilterAnswer
                        {
                            MapId = map.Info.Id, Map = map.Info.Name, Value = value, MayContain = map.MayContain(value),
                        });
                    }
        });
    }
}
