using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Maps.Watching;

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

    /// <summary>Only the first N entries by -SortBy, ranked in the engine over the raw batches.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Top { get; set; }

    /// <summary>
    /// The number that ranks entries: a value field ("bytes", "Value.bytes", "stats.rx"), or a key field ("Key.src").
    /// Per-CPU values are summed first; largest first unless -Ascending; ties by the key's bytes.
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(MapSortFieldCompleter))]
    public string? SortBy { get; set; }

    /// <summary>With -SortBy: smallest first.</summary>
    [Parameter]
    public SwitchParameter Ascending { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Top > 0 && string.IsNullOrWhiteSpace(SortBy))
            Terminate(new BpfException(ErrorId.TopNeedsSortBy,
                "-Top needs -SortBy to say what ranks first (e.g. -Top 10 -SortBy bytes).", "Top"));
        if (!string.IsNullOrWhiteSpace(SortBy) && (Key is not null || AsBatch))
            Terminate(new BpfException(ErrorId.SortReadsWholeMap,
                "-Top and -SortBy rank the whole map; they do not combine with -Key or -AsBatch.", "SortBy"));
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
                    if (map.IsQueueOrStack && Key is null && !AsBatch && string.IsNullOrWhiteSpace(SortBy))
                    {
                        // A queue or stack cannot be walked without taking its values: show the one a pop takes next.
                        if (map.Peek(Raw) is BpfMapEntry next)
                            WriteObject(next);
                        continue;
                    }
                    if (!string.IsNullOrWhiteSpace(SortBy))
                    {
                        MapSortField field = map.SortField(SortBy);
                        WriteEntries(map.ReadTop(field, Top > 0 ? Top : int.MaxValue, Ascending, Raw, PerCpu)
                            .ToArray());
                        continue;
                    }
                    if (Key is null)
                    {
                        long entries = 0;
                        foreach (BpfMapEntry[] chunk in map.ReadChunks(Raw, PerCpu))
                        {
                            WriteEntries(chunk);
                            entries += chunk.Length;
                        }
                        WriteVerbose($"Read {ActionMessages.Count(entries, "entry")} of map {map.Info.Name} " +
                            $"(id {map.Info.Id}) in {ActionMessages.Count(map.BatchCalls, "batch")}.");
                        continue;
                    }
                    foreach (object k in Key)
                    {
                        BpfMapEntry? e = map.Lookup(PlainValue.From(k, "-Key"), Raw, PerCpu);
                        if (e is null)
                            WriteError(ErrorRecords.From(new BpfException(ErrorId.MapEntryNotFound,
                                $"Map '{map.Info.Name}' has no entry for key " +
                                $"{MapSampler.Text(PlainValue.From(k, "-Key"))}.", k)));
                        else
                            WriteEntries(new[] { e });
                    }
                }
        });
    }

    /// <summary>
    /// One WriteObject per entry: a little cheaper in the pipeline than enumerating the chunk. A per-CPU map's
    /// entries get their views' type names from the type adapter (MapEntryColumns), not a PSObject each.
    /// </summary>
    private void WriteEntries(BpfMapEntry[] entries)
    {
        foreach (BpfMapEntry e in entries)
            WriteObject(e);
    }
}
