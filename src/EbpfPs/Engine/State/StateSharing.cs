using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.State;

/// <summary>An interface of a program entry where the program the entry wants is in place already.</summary>
internal sealed record StateMatch(StateProgram Entry, StateInterface Interface, NetInterface On, IHookAttachment Now);

/// <summary>
/// How the entries naming one object file relate: each takes the program its hook runs (the Program key, else
/// the object's one program for that hook), and all of them run on one set of maps.
/// </summary>
internal static class StateSharing
{
    /// <summary>
    /// The entry's program in a load of its object: the named one, or the one that runs at the entry's hook, as
    /// Add-XdpProgram picks; several for the hook and no Program key names the entry, its line and the programs.
    /// </summary>
    internal static BpfLoadedProgram Choose(BpfObject obj, StateProgram p, BpfStateDocument doc)
    {
        BpfHookKind hook = StateSession.KindOf(p);
        try
        {
            return obj.ChooseProgram(p.Program, hook);
        }
        catch (BpfException e) when (e.ErrorId == ErrorId.ProgramNameRequired)
        {
            var fitting = obj.Programs.Where(x => AttachableProgram.Fits(x.Info, hook)).ToList();
            string which = fitting.Count == 0 ? $"none of them runs at {p.Hook}"
                : $"{fitting.Count} of them run at {p.Hook} ({string.Join(", ", fitting.Select(x => x.Name))})";
            throw new BpfException(ErrorId.StateProgramNotFound,
                $"{p.ObjectSource}: '{obj.Path}' has {obj.Programs.Count} programs " +
                $"({string.Join(", ", obj.Programs.Select(x => $"{x.Name} {x.Type}"))}) and {which}; say which " +
                $"with the entry's Program key ({p.Source.Key}.Program).", p.Object, inner: e,
                recommendedAction: $"Add Program = '{(fitting.Count > 0 ? fitting : obj.Programs.ToList())[0].Name}' " +
                    $"(or another of the names listed) to {p.Source}.");
        }
    }

    /// <summary>
    /// The programs of the entry's object that the state keeps attached (one per entry that found its program in
    /// place), in the document's order: a new load of the object shares their maps.
    /// </summary>
    internal static IReadOnlyList<uint> AttachedOf(StateSession session, StateProgram p)
    {
        string path = session.ObjectOf(p);
        return session.Document.Programs
            .Where(q => session.Reuse.TryGetValue(q.Name, out uint? id) && id is not null
                && session.ObjectOf(q) == path)
            .Select(q => session.Reuse[q.Name]!.Value).Distinct().ToList();
    }

    /// <summary>
    /// The programs of one object found in place on maps apart from each other (loaded separately, as EbpfPs did
    /// before its state shared loads, or by hand) differ from the state, which wants one set of maps: the first
    /// found in the document's order keeps its maps, and every place another runs is planned as a Replace with
    /// the entry's program on those maps (the first's instance, or a load sharing its maps).
    /// </summary>
    internal static IEnumerable<StateStep> PlanApart(StateSession session, IReadOnlyList<StateMatch> matches)
    {
        var steps = new List<StateStep>();
        var maps = new Dictionary<uint, Dictionary<string, uint>>();
        foreach (IGrouping<string, StateMatch> group in matches.GroupBy(m => session.ObjectOf(m.Entry)))
        {
            uint first = group.First().Now.ProgramId;
            var apart = new HashSet<uint>();
            foreach (StateMatch m in group.Where(m => m.Now.ProgramId != first))
            {
                if (!apart.Contains(m.Now.ProgramId) && Shares(MapsOf(m.Now.ProgramId, maps), MapsOf(first, maps)))
                    continue;
                apart.Add(m.Now.ProgramId);
                steps.Add(Replace(session, m, first));
            }
            foreach (StateProgram p in group.Select(m => m.Entry).Distinct())
                if (session.Reuse.TryGetValue(p.Name, out uint? id) && id is uint reused && apart.Contains(reused))
                    session.Reuse[p.Name] = null;
        }
        return steps;
    }

    private static StateStep Replace(StateSession session, StateMatch m, uint first)
    {
        DesiredProgram desired = session.Desired(m.Entry);
        string mode = m.Now is XdpAttachment x ? $" {x.Mode}" : "";
        BpfStateDifference difference = StatePlanner.Difference(m.Entry, m.Interface,
            $"{desired.KernelName} {desired.Tag}{mode} on the maps of program {first}",
            $"{m.Now.ProgramName} {desired.Tag}{mode} (id {m.Now.ProgramId}) on maps apart from program {first}",
            BpfStateAction.Replace);
        // The program has its entry's name, so at TC too the attach upgrades it in place (TcReplace).
        return new AttachStep(difference, m.Entry, m.On, m.Now);
    }

    /// <summary>True when every map name the two programs both use names the same map.</summary>
    private static bool Shares(Dictionary<string, uint> a, Dictionary<string, uint> b) =>
        a.All(x => !b.TryGetValue(x.Key, out uint id) || id == x.Value);

    private static Dictionary<string, uint> MapsOf(uint program, Dictionary<uint, Dictionary<string, uint>> known)
    {
        if (known.TryGetValue(program, out Dictionary<string, uint>? found))
            return found;
        var byName = new Dictionary<string, uint>();
        foreach (uint id in KernelInventory.ProgramById(program, throwIfMissing: false)?.MapIds ?? new uint[0])
            if (KernelInventory.MapById(id, throwIfMissing: false) is BpfMapInfo map)
                byName[map.Name] = id;
        return known[program] = byName;
    }
}
