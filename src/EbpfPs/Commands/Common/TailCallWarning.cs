using System.Management.Automation;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

public abstract partial class AttachCommandBase
{
    /// <summary>
    /// A dispatcher whose program array nothing pins stops chaining once the last fd outside the kernel closes:
    /// say so when it is attached, since the attachment itself outlives the session.
    /// </summary>
    private static void WarnUnpinnedTailCalls(Cmdlet cmdlet, AttachableProgram program)
    {
        foreach (BpfMapInfo table in program.UnpinnedProgramArrays)
            cmdlet.WriteWarning(
                $"Program '{program.Info.Name}' tail-calls through program array '{table.Name}' (id {table.Id}), " +
                "which is not pinned: the kernel empties it when the last file descriptor outside the kernel " +
                "closes (when this session ends; for a program loaded from a file, right away), and the program " +
                "then stops chaining. Load the object with Import-BpfObject -PinPath to keep the table.");
    }
}
