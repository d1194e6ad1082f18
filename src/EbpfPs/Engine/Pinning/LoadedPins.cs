using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Pinning;

/// <summary>
/// Pins a program, map or link that is loaded already (bpftool prog/map/link pin), all or nothing: the folders
/// made on the way are removed again, and a pin replaced with force is put back, when the pin fails.
/// </summary>
public static class LoadedPins
{
    /// <summary>Checks the path as New-BpfPin takes it, before anything is opened: on bpffs, free or a pin.</summary>
    public static string CheckPath(string path, bool force)
    {
        string full = BpfFs.CheckOnBpfFs(path);
        string? parent = Path.GetDirectoryName(full);
        if (parent is not null)
            PinPathShape.CheckNotAPin(parent);
        if (Directory.Exists(full))
            throw new BpfException(ErrorId.PinExists, $"'{full}' is a folder; a pin needs a name of its own.", full,
                recommendedAction: $"Name the pin inside it, such as '{full}/{Path.GetFileName(full)}'.");
        if (File.Exists(full) && !force)
            throw new BpfException(ErrorId.PinExists, $"Something is already pinned at '{full}'.", full,
                recommendedAction: "Give another path, or -Force to replace that pin.");
        return full;
    }

    /// <summary>What a program, map or link object from the module's own cmdlets pins, by kind and id.</summary>
    public static (BpfPinKind Kind, uint Id) KindAndId(object? input) => input switch
    {
        BpfProgramInfo p => (BpfPinKind.Program, p.Id),
        BpfLoadedProgram p => (BpfPinKind.Program, p.Id),
        BpfMapInfo m => (BpfPinKind.Map, m.Id),
        BpfLoadedMap m => (BpfPinKind.Map, m.Id),
        BpfLinkInfo l => (BpfPinKind.Link, l.Id),
        _ => throw new BpfException(ErrorId.NotAPinnableObject,
            $"'{input}' is not a BPF program, map or link; pipe one from Get-BpfProgram, Get-BpfMap or Get-BpfLink, " +
            "or give -ProgramId, -MapId or -LinkId.", input?.ToString()),
    };

    public static BpfPin Pin(BpfPinKind kind, uint id, string path, bool force)
    {
        NativeRuntime.EnsureLibbpf();
        string full = CheckPath(path, force);
        Libbpf.ObjectKind objectKind = kind switch
        {
            BpfPinKind.Program => Libbpf.ObjectKind.Program,
            BpfPinKind.Map => Libbpf.ObjectKind.Map,
            _ => Libbpf.ObjectKind.Link,
        };
        using SafeFdHandle fd = KernelInventory.OpenById(objectKind, id) ?? throw NotLoaded(kind, id);
        string name = NameOf(kind, fd, id);

        // The pin it replaces stays open until the new one is in place, so a failure can put it back.
        using SafeFdHandle? replaced = File.Exists(full) ? KernelInventory.OpenPinned(full) : null;
        PinAt(fd, full, $"pin BPF {kind.ToString().ToLowerInvariant()} {id} at", replaced);
        return new BpfPin { Path = full, Kind = kind, Id = id, Name = name };
    }

    /// <summary>
    /// Pins fd at a checked path, making the folders on the way; on failure removes the folders it made and puts
    /// back the pin it replaced, so nothing is left half done.
    /// </summary>
    internal static void PinAt(SafeFdHandle fd, string full, string operation, SafeFdHandle? replaced = null)
    {
        List<string> made = MakeFolders(Path.GetDirectoryName(full)!);
        try
        {
            if (replaced is not null)
                Pins.Remove(full);
            BpfSystem.Current.Pin(fd, full).OrThrow(operation, full);
        }
        catch
        {
            if (replaced is not null && !File.Exists(full))
                BpfSystem.Current.Pin(replaced, full);
            for (int i = made.Count - 1; i >= 0; i--)
                TryRemoveFolder(made[i]);
            throw;
        }
    }

    private static string NameOf(BpfPinKind kind, SafeFdHandle fd, uint id) => kind switch
    {
        BpfPinKind.Program => KernelInventory.DescribeProgram(fd).Name,
        BpfPinKind.Map => KernelInventory.DescribeMap(fd).Name,
        _ => LinkInventory.LinkById(id).Type,
    };

    private static BpfException NotLoaded(BpfPinKind kind, uint id) => new(kind switch
    {
        BpfPinKind.Program => ErrorId.BpfProgramNotFound,
        BpfPinKind.Map => ErrorId.BpfMapNotFound,
        _ => ErrorId.BpfLinkNotFound,
    }, $"No BPF {kind.ToString().ToLowerInvariant()} with id {id} is loaded.", id);

    /// <summary>The missing folders on the way to dir, made top down (bpffs takes mkdir).</summary>
    private static List<string> MakeFolders(string dir)
    {
        var missing = new List<string>();
        for (string? p = dir; p is not null && !Directory.Exists(p); p = Path.GetDirectoryName(p))
            missing.Insert(0, p);
        var made = new List<string>();
        try
        {
            foreach (string p in missing)
            {
                Directory.CreateDirectory(p);
                made.Add(p);
            }
        }
        catch (System.Exception e) when (e is IOException or System.UnauthorizedAccessException)
        {
            for (int i = made.Count - 1; i >= 0; i--)
                TryRemoveFolder(made[i]);
            throw new BpfException(ErrorId.BpfOperationFailed, $"Cannot make folder '{dir}': {e.Message}", dir);
        }
        return made;
    }

    private static void TryRemoveFolder(string dir)
    {
        try { Directory.Delete(dir); }
        catch (IOException) { } // something else was pinned into it meanwhile: it stays
        catch (System.UnauthorizedAccessException) { }
    }
}
