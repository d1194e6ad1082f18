using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// An attach that replaces what runs (-Force) is an upgrade in place: the new build takes over the maps of the
/// programs it replaces, so counters and blocklists go on; after the attach the old build's program pin and private
/// pin folder go with it. The attach itself replaces atomically (XDP_FLAGS_REPLACE; at TC the program of the filter
/// or tcx link, see TcReplace), so no packet goes unchecked.
/// </summary>
public static class Upgrades
{
    /// <summary>
    /// The load an attach at a hook needs: with force, the programs running there now on the interfaces asked
    /// (whose maps a build of the same program takes over; MapReuse passes over programs of other names).
    /// </summary>
    public static AttachLoad LoadFor(HookPoint at, bool force, IEnumerable<InterfaceQuery> on)
    {
        if (!force)
            return AttachLoad.Fresh;
        var running = new HashSet<uint>();
        foreach (InterfaceQuery q in on)
        {
            IEnumerable<uint> ids = at switch
            {
                XdpHookPoint => Attachments.ListXdp(q.NetNamespace, q.AsFilter()).Select(a => a.ProgramId),
                TcHookPoint tc => Attachments.ListTc(q.NetNamespace, q.AsFilter(), tc.Direction)
                    .Select(a => a.ProgramId),
                _ => Enumerable.Empty<uint>(),
            };
            running.UnionWith(ids);
        }
        return new AttachLoad(running);
    }

    /// <summary>
    /// After an attach: the program's pin under -PinPath moves from the old build to it, and the private pin folders
    /// of the programs it replaced are swept once those programs are gone.
    /// </summary>
    public static void Attached(AttachableProgram program, IReadOnlyList<IHookAttachment> done, PinSweep sweep)
    {
        if (done.Count == 0)
            return;
        program.TakeOverPin();
        foreach (IHookAttachment a in done)
            if (a.ReplacedProgramId is uint replaced && replaced != program.Info.Id)
                sweep.Add(replaced);
    }
}
