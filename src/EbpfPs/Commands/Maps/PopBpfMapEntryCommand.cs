using System.Management.Automation;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// Takes values out of a queue (oldest first) or a stack (newest first) and outputs each (bpftool map pop).
/// An empty queue or stack ends the command without output and without an error, so a loop can pop until nothing
/// comes back.
/// </summary>
[Cmdlet(VerbsCommon.Pop, "BpfMapEntry", DefaultParameterSetName = InputSet, SupportsShouldProcess = true)]
[OutputType(typeof(BpfMapEntry))]
public sealed class PopBpfMapEntryCommand : MapCommandBase
{
    /// <summary>How many values to take at most (fewer when the queue or stack runs empty).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>The values as the kernel's bytes, undecoded.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                {
                    if (!ShouldProcess($"map {map.Info.Name} (id {map.Info.Id})", $"Pop up to {Count} values"))
                        continue;
                    int popped = 0;
                    while (popped < Count && map.Pop(Raw) is BpfMapEntry e)
                    {
                        WriteObject(e);
                        popped++;
                    }
                    WriteVerbose($"Popped {ActionMessages.Count(popped, "value")} of map {map.Info.Name} " +
                        $"(id {map.Info.Id}){(popped < Count ? "; it is empty now" : "")}.");
                }
        });
    }
}
