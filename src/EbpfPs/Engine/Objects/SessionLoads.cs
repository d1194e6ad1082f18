using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// The programs this process's attach commands loaded from object files, by file (full path and content), so the
/// object's other program, attached later at the other hook without -PinPath, shares their maps instead of getting a
/// second set: Add-XdpProgram then Add-TcProgram of one guard.o block by one blocklist. The same program again is
/// a load of its own, as before (attaching it twice means two copies). A changed file is another object.
/// </summary>
internal static class SessionLoads
{
    private sealed record Loaded(string Program, BpfHookKind Hook, uint Id);

    private static readonly object Gate = new();
    private static readonly Dictionary<string, List<Loaded>> ByFile = new(StringComparer.Ordinal);

    /// <summary>What identifies a file's content here: its full path and a hash of its bytes.</summary>
    internal static string KeyOf(string fullPath) =>
        fullPath + "\n" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(fullPath)));

    /// <summary>
    /// The programs of the same file, still loaded, that are not the one about to be loaded: named programName, or
    /// (without a name) the one for the hook.
    /// </summary>
    internal static IReadOnlyList<uint> Siblings(string key, string? programName, BpfHookKind hook)
    {
        List<Loaded> loaded;
        lock (Gate)
            loaded = ByFile.TryGetValue(key, out var l) ? l.ToList() : new List<Loaded>();
        var siblings = new List<uint>();
        foreach (Loaded l in loaded)
        {
            bool same = programName is null ? l.Hook == hook
                : string.Equals(l.Program, programName, StringComparison.Ordinal);
            if (!same && StillLoaded(l))
                siblings.Add(l.Id);
        }
        lock (Gate)
            if (ByFile.TryGetValue(key, out var l))
                l.RemoveAll(x => !StillLoaded(x));
        return siblings;
    }

    internal static void Remember(string key, string program, BpfHookKind hook, uint id)
    {
        lock (Gate)
        {
            if (!ByFile.TryGetValue(key, out var l))
                ByFile[key] = l = new List<Loaded>();
            l.Add(new Loaded(program, hook, id));
        }
    }

    /// <summary>True while the id still names the program remembered (ids can be given again).</summary>
    private static bool StillLoaded(Loaded l)
    {
        Result<SafeFdHandle> fd = BpfSystem.Current.FdById(Libbpf.ObjectKind.Program, l.Id);
        if (!fd.Ok)
            return false;
        using (fd.Value)
            return Short(Inventory.KernelInventory.DescribeProgram(fd.Value).Name) == Short(l.Program);
    }

    private static string Short(string name) => name.Length > 15 ? name[..15] : name;
}
