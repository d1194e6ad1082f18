using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Pinning;

/// <summary>A pin an import made: where, and which program or map it holds (so only that one is removed).</summary>
internal sealed record OwnPin(string Path, Libbpf.ObjectKind Kind, uint Id);

/// <summary>
/// Pins a loaded object's programs and maps under a folder (Import-BpfObject -PinPath), one by one instead of
/// through libbpf's bpf_object__pin_*: libbpf unpins every name of the object on failure, so a second import into
/// the same folder that failed with EEXIST removed the first import's pins. Here a failure removes exactly the pins
/// this call made, and names bpffs refuses, names that clash and pins already there are found before anything is
/// loaded. The names are libbpf's: a program's name, a map's name with '.' made '_' (.rodata and friends).
/// </summary>
internal static class ObjectPins
{
    /// <summary>One pin to make: the path, and what goes there.</summary>
    internal sealed record Planned(string Path, string What, Libbpf.ObjectKind Kind, NativeProgram? Program,
        NativeMap? Map);

    /// <summary>
    /// The pins an import into dir will make, checked before load: every name allowed on bpffs, no two alike,
    /// none there already. Maps libbpf pins by name itself (LIBBPF_PIN_BY_NAME) are not in the plan, nor are the
    /// pins of maps the load took over (reused: MapReuse). A program pin that is there already is refused, or, given
    /// taken, left as it is and added to it (an attach moves it to its new program once that one runs).
    /// </summary>
    internal static List<Planned> Plan(List<NativeProgram> programs, List<NativeMap> maps, string dir,
        IReadOnlySet<string>? reused = null, List<string>? taken = null)
    {
        var plan = new List<Planned>();
        foreach (NativeProgram p in programs)
        {
            if (p.Name.Contains('.'))
                throw new BpfException(ErrorId.PinNameNotAllowed,
                    $"Program '{p.Name}' cannot be pinned under '{dir}': bpffs refuses names with a '.' (the kernel " +
                    "keeps them for itself). Nothing was loaded.", p.Name,
                    recommendedAction: "Import it without -PinPath, or rename the program in its source.");
            plan.Add(new Planned(Path.Combine(dir, p.Name), $"program '{p.Name}'", Libbpf.ObjectKind.Program, p,
                null));
        }
        var byName = new List<(string Path, string What)>();
        foreach (NativeMap m in maps)
        {
            if (m.PinPath is string own)
                byName.Add((own, $"map '{m.Name}' (pinned by name)"));
            else
                plan.Add(new Planned(Path.Combine(dir, m.Name.Replace('.', '_')), $"map '{m.Name}'",
                    Libbpf.ObjectKind.Map, null, m));
        }
        foreach (var clash in plan.Select(p => (p.Path, p.What)).Concat(byName).GroupBy(p => p.Path)
                     .Where(g => g.Count() > 1))
            throw new BpfException(ErrorId.PinNameCollision,
                $"{string.Join(" and ", clash.Select(c => c.What))} would {(clash.Count() == 2 ? "both" : "all")} be " +
                $"pinned as '{clash.Key}'. " +
                "Nothing was loaded.", clash.Key,
                recommendedAction: "Import it without -PinPath, or give them different names in the source.");
        plan.RemoveAll(p => p.Kind == Libbpf.ObjectKind.Map && reused?.Contains(p.Path) == true);
        foreach (Planned p in plan)
            if (File.Exists(p.Path) || Directory.Exists(p.Path))
            {
                if (taken is null || p.Kind != Libbpf.ObjectKind.Program || Directory.Exists(p.Path))
                    throw Exists(p.Path, dir, loaded: false);
                taken.Add(p.Path);
            }
        plan.RemoveAll(p => taken?.Contains(p.Path) == true);
        return plan;
    }

    /// <summary>
    /// Makes the planned pins of a loaded object. On a failure it removes the pins it made and throws; pins that
    /// were there before, or that another process made meanwhile, stay.
    /// </summary>
    internal static List<OwnPin> Pin(IEnumerable<Planned> plan, string dir)
    {
        var made = new List<OwnPin>();
        try
        {
            foreach (Planned p in plan)
            {
                using SafeFdHandle? fd = p.Program?.BorrowFd() ?? p.Map?.BorrowFd();
                if (fd is null)
                    continue; // not loaded (autoload or autocreate off)
                Result pinned = BpfSystem.Current.Pin(fd, p.Path);
                if (pinned.Errno == Errno.EEXIST)
                    throw Exists(p.Path, dir, loaded: true);
                if (pinned.Errno == Errno.EPERM && Path.GetFileName(p.Path).Contains('.'))
                    throw new BpfException(ErrorId.PinNameNotAllowed,
                        $"bpffs refuses '{p.Path}': names with a '.' are the kernel's.", p.Path, (int)pinned.Errno);
                pinned.OrThrow($"pin {p.What} at", p.Path);
                made.Add(new OwnPin(p.Path, p.Kind, IdOf(fd, p.Kind)));
            }
            return made;
        }
        catch
        {
            Remove(made);
            throw;
        }
    }

    /// <summary>
    /// Removes pins an import made, each only while it still holds the program or map it was made for.
    /// </summary>
    internal static void Remove(IEnumerable<OwnPin> pins)
    {
        foreach (OwnPin pin in pins)
        {
            Result<SafeFdHandle> opened = BpfSystem.Current.OpenPinned(pin.Path);
            if (!opened.Ok)
                continue; // already gone
            using (SafeFdHandle fd = opened.Value)
            {
                Result<Libbpf.ObjectKind> kind = BpfSystem.Current.ObjectKindOf(fd);
                if (!kind.Ok || kind.Value != pin.Kind || IdOf(fd, pin.Kind) != pin.Id)
                    continue; // someone else's now
            }
            try { File.Delete(pin.Path); }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// Creates dir and whatever folders above it are missing, returning the ones it made (deepest last), so a
    /// failed or released import can remove them again. A folder name with a '.' is refused by bpffs.
    /// </summary>
    internal static List<string> CreateFolders(string dir)
    {
        var missing = new List<string>();
        for (string? d = dir; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d))
            missing.Insert(0, d);
        foreach (string d in missing)
            if (Path.GetFileName(d).Contains('.'))
                throw new BpfException(ErrorId.PinNameNotAllowed,
                    $"Pin folder '{d}' cannot be made: bpffs refuses names with a '.'. Nothing was loaded.", d);
        var made = new List<string>();
        try
        {
            foreach (string d in missing)
            {
                Directory.CreateDirectory(d);
                made.Add(d);
            }
        }
        catch (IOException e)
        {
            RemoveFolders(made);
            throw new BpfException(ErrorId.PinPathNotOnBpfFs, $"Cannot make pin folder '{dir}': {e.Message}", dir);
        }
        catch (UnauthorizedAccessException e)
        {
            RemoveFolders(made);
            throw new BpfException(ErrorId.PermissionDenied, $"Cannot make pin folder '{dir}': {e.Message}", dir,
                recommendedAction: BpfException.PrivilegeAdvice);
        }
        return made;
    }

    /// <summary>Removes folders an import made, deepest first, each only if it is empty.</summary>
    internal static void RemoveFolders(IReadOnlyList<string> made)
    {
        for (int i = made.Count - 1; i >= 0; i--)
        {
            try
            {
                if (Directory.Exists(made[i]) && !Directory.EnumerateFileSystemEntries(made[i]).Any())
                    Directory.Delete(made[i]);
            }
            catch (IOException)
            {
                return; // not empty (something else went there): the folders above stay too
            }
        }
    }

    private static uint IdOf(SafeFdHandle fd, Libbpf.ObjectKind kind) => kind == Libbpf.ObjectKind.Program
        ? BpfSystem.Current.ProgramInfo(fd) is { Ok: true } p ? p.Value.Id : 0
        : BpfSystem.Current.MapInfo(fd) is { Ok: true } m ? m.Value.Id : 0;

    private static BpfException Exists(string path, string dir, bool loaded) =>
        new(ErrorId.PinExists,
            $"Something is pinned at '{path}' already (an earlier import into '{dir}'?); it was left as it is" +
            (loaded ? ", and what this import pinned was removed again." : ", and nothing was loaded."), path,
            (int)Errno.EEXIST,
            recommendedAction: "Choose another -PinPath, or remove the old pins first (Remove-BpfProgram " +
                $"-LiteralPath '{dir}').");
}
