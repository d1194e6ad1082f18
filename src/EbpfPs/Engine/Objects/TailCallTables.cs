using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// The program arrays a program tail-calls through. The kernel empties a program array when the last file
/// descriptor user space holds on it closes (pins count as holders, the attached program does not), so a
/// dispatcher attached from a session stops chaining when the session ends unless its table is pinned.
/// </summary>
internal static class TailCallTables
{
    /// <summary>The object's program arrays the program uses that nothing pins.</summary>
    internal static IReadOnlyList<BpfMapInfo> Unpinned(BpfObject obj, BpfProgramInfo program) =>
        obj.Maps.Where(m => (BpfMapType)m.Info.TypeId == BpfMapType.ProgArray && m.PinnedPath is null
                && program.MapIds.Contains(m.Id))
            .Select(m => m.Info).ToList();
}
