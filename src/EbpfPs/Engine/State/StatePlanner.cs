using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Engine.State;

/// <summary>
/// Compares a desired-state document with the kernel and plans the steps that would close the gap. Everything
/// the document names is checked here, before Set changes anything: objects and programs, namespaces and
/// interfaces, maps, and the shape of every entry the maps can already encode.
/// </summary>
internal static class StatePlanner
{
    internal static List<StateStep> Plan(StateSession session)
    {
        var steps = new List<StateStep>();
        var claimed = new Dictionary<(string?, string, BpfHook), StateSource>();
        var matches = new List<StateMatch>();
        var view = new StateView(session.Document);
        foreach (StateProgram p in session.Document.Programs)
            steps.AddRange(PlanProgram(session, view, p, claimed, matches));
        // Before the maps: an entry found on maps apart from its object's others is loaded again, on theirs.
        steps.AddRange(StateSharing.PlanApart(session, matches));
        foreach (StateMap m in session.Document.Maps)
            steps.AddRange(PlanMap(session, m));
        return steps;
    }

    private static IEnumerable<StateStep> PlanProgram(StateSession session, StateView view, StateProgram p,
        Dictionary<(string?, string, BpfHook), StateSource> claimed, List<StateMatch> matches)
    {
        DesiredProgram desired = session.Desired(p);
        if (p.NetNamespace is not null && !NetNamespace.Exists(p.NetNamespace))
            throw new BpfException(ErrorId.StateInterfaceNotFound,
                $"{p.NetNamespaceSource}: there is no network namespace '{p.NetNamespace}'.", p.NetNamespace);
        var resolved = p.Interfaces.Select(i =>
            (i, view.Named(p.NetNamespace, i.Name) ?? throw new BpfException(ErrorId.StateInterfaceNotFound,
                $"{i.Source}: there is no interface '{i.Name}' in " +
                $"{(p.NetNamespace is null ? "this network namespace" : $"network namespace '{p.NetNamespace}'")}.",
                i.Name))).ToList();

        var steps = new List<StateStep>();
        uint? reuse = null;
        foreach (var (iface, on) in resolved)
        {
            // XDP takes one program per interface, so two entries cannot both want it; TC hooks take several.
            BpfHook slot = p.IsXdp ? BpfHook.XdpNative : p.Hook;
            if (claimed.TryGetValue((p.NetNamespace, iface.Name, slot), out StateSource? first))
                throw session.Document.Invalid(iface.Source,
                    $"{iface.Name} is already given a {(p.IsXdp ? "XDP" : p.Hook.ToString())} program at {first}");
            claimed[(p.NetNamespace, iface.Name, slot)] = iface.Source;

            string expected = $"{desired.KernelName} {desired.Tag}" + (p.IsXdp ? $" {ModeOf(p)}" : "");
            if (p.IsXdp)
            {
                XdpAttachment? now = view.Xdp(p.NetNamespace, on);
                bool same = now is not null && now.ProgramName == desired.KernelName && now.ProgramTag == desired.Tag;
                if (same)
                    reuse ??= now!.ProgramId;
                else if (now is not null && now.ProgramName == desired.KernelName)
                    session.UpgradeFrom(p, now.ProgramId);
                if (same && now!.Mode == ModeOf(p))
                {
                    matches.Add(new StateMatch(p, iface, on, now));
                    continue;
                }
                steps.Add(new AttachStep(Difference(p, iface, expected,
                        now is null ? "(none)" : $"{now.ProgramName} {now.ProgramTag} {now.Mode} (id {now.ProgramId})",
                        now is null ? BpfStateAction.Attach : BpfStateAction.Replace),
                    p, on, now));
            }
            else
            {
                var direction = ((TcHookPoint)p.Point).Direction;
                IReadOnlyList<TcAttachment> there = view.Tc(p.NetNamespace, on, direction);
                // Several instances of the program on the hook are drift too: the first to run stays.
                List<TcAttachment> instances = StateDuplicates.Instances(there, desired.KernelName, desired.Tag);
                if (instances.Count > 0)
                {
                    TcAttachment match = instances[0];
                    reuse ??= match.ProgramId;
                    bool seen = matches.Any(m => m.Now.Equals(match)); // another entry wants it at this hook too
                    matches.Add(new StateMatch(p, iface, on, match));
                    if (!seen && StateDuplicates.Plan(p, iface, on, instances) is StateStep dedupe)
                        steps.Add(dedupe);
                    continue;
                }
                string actual = there.Count == 0 ? "(none)"
                    : string.Join(", ", there.Select(a => $"{a.ProgramName} {a.ProgramTag} (id {a.ProgramId})"));
                // Another build of the program is upgraded where it runs, on its maps; anything else is added beside.
                var older = there.Where(a => a.ProgramName == desired.KernelName).ToList();
                TcAttachment? upgrade = older.Count == 1 ? older[0] : null;
                if (upgrade is not null)
                    session.UpgradeFrom(p, upgrade.ProgramId);
                steps.Add(new AttachStep(Difference(p, iface, expected, actual,
                    upgrade is null ? BpfStateAction.Attach : BpfStateAction.Replace), p, on, upgrade));
            }
        }
        session.Reuse[p.Name] = reuse;
        return steps;
    }

    private static IEnumerable<StateStep> PlanMap(StateSession session, StateMap m)
    {
        BpfStateDocument doc = session.Document;
        StateProgram? provider = m.ProgramEntry is null ? null
            : doc.Programs.First(p => p.Name == m.ProgramEntry);
        var steps = new List<StateStep>();
        BpfMap? live = null;
        try
        {
            if (m.Path is not null)
            {
                if (File.Exists(m.Path))
                    live = BpfMap.OpenPinned(m.Path);
                else
                {
                    provider = doc.Programs.FirstOrDefault(p =>
                        Path.GetDirectoryName(m.Path) == BpfFs.DefaultRoot
                        && session.Desired(p).MapsPinnedByName.Contains(Path.GetFileName(m.Path)))
                        ?? throw new BpfException(ErrorId.StateMapNotFound,
                            $"{m.NameSource}: no map is pinned at '{m.Path}', and no program of the state pins one " +
                            "there.", m.Path);
                    steps.Add(new PinStep(MapDifference(m, BpfStateItemKind.Map, m.Path, "pinned", "(not pinned)",
                        BpfStateAction.Pin, m.NameSource), m, provider));
                }
            }
            else if (!session.Desired(provider!).MapNames.Contains(m.MapName!))
                throw new BpfException(ErrorId.StateMapNotFound,
                    $"{m.NameSource}: program entry '{provider!.Name}' ({session.Desired(provider).ObjectPath}) has " +
                    $"no map '{m.MapName}'; it has {string.Join(", ", session.Desired(provider).MapNames)}.",
                    m.MapName);
            else
                live = session.Map(provider!, m.MapName!);

            foreach (StateMapEntry e in m.Entries)
            {
                if (live is null)
                {
                    steps.Add(new EntryStep(MapDifference(m, BpfStateItemKind.MapEntry, $"{m.Label}[{Text(e.Key)}]",
                        Text(e.Value), "(map made by this run)", BpfStateAction.SetEntry, e.Source), m, e, provider));
                    continue;
                }
                (byte[] key, byte[] value) = Encode(live, e, doc);
                byte[]? now = live.LookupBytes(key);
                if (now is not null && now.AsSpan().SequenceEqual(value))
                    continue;
                steps.Add(new EntryStep(MapDifference(m, BpfStateItemKind.MapEntry,
                    $"{m.Label}[{live.DescribeKey(key)}]", live.DescribeValue(value), live.DescribeValue(now),
                    BpfStateAction.SetEntry, e.Source), m, e, provider));
            }
        }
        finally
        {
            live?.Dispose();
        }
        return steps;
    }

    /// <summary>An entry in the map's layout; a key or value of the wrong shape names the entry's line.</summary>
    internal static (byte[] Key, byte[] Value) Encode(BpfMap map, StateMapEntry entry, BpfStateDocument doc)
    {
        try
        {
            return map.EncodeEntry(entry.Key, entry.Value);
        }
        catch (BpfException e) when (e.Kind is BpfErrorKind.InvalidData or BpfErrorKind.InvalidArgument)
        {
            throw new BpfException(ErrorId.InvalidStateFile, $"{entry.Source}: {e.Message}", entry.Source.Key,
                inner: e);
        }
    }

    private static XdpMode ModeOf(StateProgram p) => ((XdpHookPoint)p.Point).Mode;

    internal static BpfStateDifference Difference(StateProgram p, StateInterface iface, string expected,
        string actual, BpfStateAction action) => new()
    {
        Kind = BpfStateItemKind.Program, Item = p.Name, NetNamespace = p.NetNamespace, Target = iface.Name,
        Hook = p.Hook, Expected = expected, Actual = actual, Action = action, Source = iface.Source.ToString(),
    };

    private static BpfStateDifference MapDifference(StateMap m, BpfStateItemKind kind, string target,
        string expected, string actual, BpfStateAction action, StateSource source) => new()
    {
        Kind = kind, Item = m.Label, Target = target, Expected = expected, Actual = actual, Action = action,
        Source = source.ToString(),
    };

    /// <summary>A value as the state file wrote it, for a map that does not exist yet: {a=1 b=2}, [1, 2].</summary>
    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        IDictionary d => "{" + string.Join(" ", d.Cast<DictionaryEntry>().Select(x => $"{x.Key}={Text(x.Value)}"))
            + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Text)) + "]",
        _ => value.ToString() ?? "",
    };
}
