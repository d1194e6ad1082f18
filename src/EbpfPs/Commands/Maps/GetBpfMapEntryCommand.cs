using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>Reads a map's entries as objects with the C field names (bpftool map dump, typed).</summary>
[Cmdlet(VerbsCommon.Get, "BpfMapEntry", DefaultParameterSetName = InputSet)]
[OutputType(typeof(BpfMapEntry), typeof(BpfMapBatch))]
public sealed class GetBpfMapEntryCommand : MapCommandBase
{
    /// <summary>Look up these keys only (a number, a hashtable or object with the key's fields, or bytes).</summary>
    [Parameter]
    public object[]? Key { get; set; }

    /// <summary>Per-CPU maps: keep each CPU's value in PerCpu besides the sum in Value.</summary>
    [Parameter]
    public SwitchParameter PerCpu { get; set; }

    /// <summary>Key and value as the kernel's bytes, undecoded: the fastest way to read a large map.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <summary>
    /// The whole map as the kernel's bytes, one BpfMapBatch per batch syscall instead of one object per entry.
    /// </summary>
    [Parameter]
    public SwitchParameter AsBatch { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (AsBatch && (Key is not null || PerCpu || Raw))
            Terminate(new BpfException(ErrorId.AsBatchReadsWholeMap,
                "-AsBatch reads the whole map as bytes; it does not combine with -Key, -PerCpu or -Raw.", "AsBatch"));
    }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                {
                    if (AsBatch)
                    {
                        foreach (BpfMapBatch batch in map.ReadBatches())
                            WriteObject(batch);
                        continue;
                    }
                    if (Key is null)
                    {
                        foreach (BpfMapEntry[] chunk in map.ReadChunks(Raw, PerCpu))
                            foreach (BpfMapEntry e in chunk)
                                WriteObject(e);
                        continue;
                    }
                    foreach (object k in Key)
                    {
                        BpfMapEntry? e = map.Lookup(PlainValue.From(k), Raw, PerCpu);
                        if (e is null)
                            WriteError(ErrorRecords.From(new BpfException(ErrorId.MapEntryNotFound,
                                $"Map '{map.Info.Name}' has no entry for key {k}.", k)));
                        else
                            WriteObject(e);
                    }
                }
        });
    }
}
