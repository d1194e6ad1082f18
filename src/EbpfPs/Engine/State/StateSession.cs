using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.State;

/// <summary>What the state's program entries want: the kernel's name and tag of the program, and its maps.</summary>
internal sealed record DesiredProgram(string ObjectPath, string KernelName, string Tag, IReadOnlyList<string> MapNames,
    IReadOnlyList<string> MapsPinnedByName);

/// <summary>
/// One Test- or Set-BpfState run: learns each program entry's identity by loading its object once with pins in
/// a scratch bpffs folder (programs are compared by name and tag, the hash of their instructions), loads
/// objects for real only when Set attaches them, and keeps what it needs to roll back. The entries that name one
/// object file share one load, and so one set of maps, the way the programs of one object do: an object with an
/// XDP and a TC program has its blocklist filled once for both hooks. When some of those entries are attached
/// already, a load for the others takes its maps from the attached programs (StateSharing).
/// </summary>
internal sealed class StateSession : IDisposable
{
    private readonly Dictionary<(string, string?, BpfHookKind), DesiredProgram> _desired = new();
    // By object path: entries of one object file take their programs from one load.
    private readonly Dictionary<string, BpfObject> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttachableProgram> _instances = new(StringComparer.OrdinalIgnoreCase);

    internal StateSession(BpfStateDocument document)
    {
        Document = document;
    }

    internal BpfStateDocument Document { get; }

    /// <summary>Per program entry: the program instance already attached somewhere that Set reuses, if any.</summary>
    internal Dictionary<string, uint?> Reuse { get; } = new(StringComparer.OrdinalIgnoreCase);

    // Per object file: programs of an older build the plan replaces, whose maps the new build takes over.
    private readonly Dictionary<string, HashSet<uint>> _upgrading = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The plan replaces an older build of the entry's program: the new load takes over its maps.</summary>
    internal void UpgradeFrom(StateProgram p, uint programId)
    {
        string path = ObjectOf(p);
        if (!_upgrading.TryGetValue(path, out HashSet<uint>? ids))
            _upgrading[path] = ids = new HashSet<uint>();
        ids.Add(programId);
    }

    /// <summary>Where a new load of the object takes maps from: its attached programs, then older builds.</summary>
    private IReadOnlyList<uint> MapSources(StateProgram p) => StateSharing.AttachedOf(this, p)
        .Concat(_upgrading.TryGetValue(ObjectOf(p), out HashSet<uint>? older) ? older : Enumerable.Empty<uint>())
        .Distinct().ToList();

    internal static BpfHookKind KindOf(StateProgram p) => p.IsXdp ? BpfHookKind.Xdp : BpfHookKind.Tc;

    /// <summary>The entry's program as the kernel would know it; an unknown object or program names the key.</summary>
    internal DesiredProgram Desired(StateProgram p)
    {
        string path = ObjectPath(p);
        var key = (path, p.Program, KindOf(p));
        if (_desired.TryGetValue(key, out DesiredProgram? known))
            return known;
        string scratch = StateScratch.NewFolder();
        BpfObject? obj = null;
        try
        {
            obj = BpfObjectLoader.Load(path, new BpfLoadOptions { PinPath = scratch });
            BpfLoadedProgram program = StateSharing.Choose(obj, p, Document);
            var desired = new DesiredProgram(path, program.Info.Name, program.Info.Tag,
                obj.Maps.Select(m => m.Name).ToArray(), obj.CreatedPins.Select(Path.GetFileName).OfType<string>()
                    .ToArray());
            using AttachableProgram check = AttachableProgram.FromLoaded(program);
            if (!check.Fits(KindOf(p)))
                throw new BpfException(ErrorId.StateProgramNotFound,
                    $"{p.ObjectSource}: program '{program.Name}' of '{path}' is a {program.Type} program, which " +
                    $"cannot run at {p.Hook}.", p.Object);
            return _desired[key] = desired;
        }
        catch (BpfException e) when (e.ErrorId is ErrorId.BpfProgramNotInObject or ErrorId.ObjectFileNotFound
            or ErrorId.NotAnElfFile or ErrorId.InvalidBpfObject or ErrorId.NoBpfProgram)
        {
            string key2 = e.ErrorId == ErrorId.BpfProgramNotInObject ? p.Source.Key + ".Program" : p.ObjectSource.Key;
            throw new BpfException(ErrorId.StateProgramNotFound, $"{Document.SourceOf(key2)}: {e.Message}",
                p.Program ?? p.Object, inner: e);
        }
        finally
        {
            if (obj is not null)
                BpfObjectLoader.Release(obj);
            if (Directory.Exists(scratch))
                Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>A built-in name (router) or a path to an object file, relative to the state file's folder.</summary>
    private string ObjectPath(StateProgram p)
    {
        bool isPath = p.Object.Contains('/') || p.Object.EndsWith(".o", StringComparison.OrdinalIgnoreCase);
        if (isPath)
            return Path.GetFullPath(Path.Combine(Document.BaseDirectory, p.Object));
        try
        {
            return BuiltinObjects.Resolve(p.Object, KindOf(p));
        }
        catch (BpfException e) when (e.ErrorId == ErrorId.BuiltinProgramNotFound)
        {
            throw new BpfException(ErrorId.StateProgramNotFound, $"{p.ObjectSource}: {e.Message}", p.Object,
                inner: e);
        }
    }

    /// <summary>True when Set has to load the entry's object (no instance of the program is attached yet).</summary>
    internal bool NeedsLoad(StateProgram p) => !Reuse.TryGetValue(p.Name, out uint? id) || id is null;

    /// <summary>
    /// The entry's object loaded for real (maps pinned by name go to their usual place), once for all entries of
    /// the object, on the maps of the object's programs the state keeps attached and of older builds it replaces.
    /// </summary>
    internal BpfObject Loaded(StateProgram p)
    {
        string path = Desired(p).ObjectPath;
        if (!_loaded.TryGetValue(path, out BpfObject? obj))
        {
            IReadOnlyList<uint> sources = MapSources(p);
            _loaded[path] = obj = BpfObjectLoader.Load(path,
                new BpfLoadOptions { ReuseMapsOf = sources.Count == 0 ? null : sources });
        }
        return obj;
    }

    /// <summary>The object file an entry names, as a full path (a built-in's build for the entry's hook).</summary>
    internal string ObjectOf(StateProgram p) => Desired(p).ObjectPath;

    /// <summary>The program Set attaches for an entry: the instance attached elsewhere, or a new load.</summary>
    internal AttachableProgram Instance(StateProgram p)
    {
        if (_instances.TryGetValue(p.Name, out AttachableProgram? program))
            return program;
        program = NeedsLoad(p) ? AttachableProgram.FromLoaded(StateSharing.Choose(Loaded(p), p, Document))
            : AttachableProgram.FromId(Reuse[p.Name]!.Value);
        return _instances[p.Name] = program;
    }

    /// <summary>A map of the entry's program by libbpf name: in the new load, or among the attached one's.</summary>
    internal BpfMap? Map(StateProgram p, string name)
    {
        if (NeedsLoad(p) && _loaded.TryGetValue(Desired(p).ObjectPath, out BpfObject? obj))
            return BpfMap.FromLoaded(obj.GetMap(name));
        // Not loaded yet: the load will share the maps of the object's attached programs, so theirs is the map.
        IReadOnlyList<uint> programs = NeedsLoad(p) ? MapSources(p) : new[] { Reuse[p.Name]!.Value };
        string kernelName = name.Length > 15 ? name[..15] : name;
        foreach (uint program in programs)
            foreach (uint id in KernelInventory.ProgramById(program, throwIfMissing: false)?.MapIds
                         ?? Array.Empty<uint>())
                if (KernelInventory.MapById(id, throwIfMissing: false)?.Name == kernelName)
                    return BpfMap.OpenById(id);
        return null;
    }

    /// <summary>Rolls back the loads: the map pins they made. (Their programs go when nothing holds them.)</summary>
    internal void RemoveCreatedPins()
    {
        foreach (BpfObject obj in _loaded.Values)
            foreach (string pin in obj.CreatedPins)
                if (File.Exists(pin))
                    File.Delete(pin);
    }

    public void Dispose()
    {
        foreach (AttachableProgram p in _instances.Values)
            p.Dispose();
        foreach (BpfObject obj in _loaded.Values)
            obj.Dispose();
    }
}
