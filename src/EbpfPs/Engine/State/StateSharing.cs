using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.State;

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
}
