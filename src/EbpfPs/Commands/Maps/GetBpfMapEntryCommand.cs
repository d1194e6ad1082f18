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
    [MapKeyListTransformation]
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
                        long entries = 0;
                        foreach (BpfMapEntry[] chunk in map.ReadChunks(Raw, PerCpu))
                        {
                            WriteEntries(chunk, map.PerCpu);
                            entries += chunk.Length;
                        }
                        WriteVerbose($"Read {ActionMessages.Count(entries, "entry")} of map {map.Info.Name} " +
                            $"(id {map.Info.Id}) in {ActionMessages.Count(map.BatchCalls, "batch")}.");
                        continue;
                    }
                    foreach (object k in Key)
                    {
                        BpfMapEntry? e = map.Lookup(PlainValue.From(k), Raw, PerCpu);
                        if (e is null)
                            WriteError(ErrorRecords.From(new BpfException(ErrorId.MapEntryNotFound,
                                $"Map '{map.Info.Name}' has no entry for key " +
                                $"{MapSampler.Text(PlainValue.From(k))}.", k)));
                        else
                            WriteEntries(new[] { e }, map.PerCpu);
                    }
                }
        });
    }

    /// <summary>The view for entries with each CPU's value is picked by a type name of its own.</summary>
    public const string PerCpuTypeName = "EbpfPs.BpfMapEntry#PerCpu";

    private void WriteEntries(BpfMapEntry[] entries, bool perCpuMap)
    {
        if (!PerCpu || !perCpuMap)
        {
            // One WriteObject per entry: a little cheaper in the pipeline than enumerating the chunk.
            foreach (BpfMapEntry e in entries)
                WriteObject(e);
            return;
        }
        foreach (BpfMapEntry e in entries)
        {
            var tagged = new PSObject(e);
            tagged.TypeNames.Insert(0, PerCpuTypeName);
            WriteObject(tagged);
        }
    }
}
