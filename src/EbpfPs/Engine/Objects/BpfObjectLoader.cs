using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Pinning;
using EbpfPs.Engine.Validation;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Objects;

/// <summary>Options for loading an object file.</summary>
public sealed class BpfLoadOptions
{
    /// <summary>bpffs folder to pin every program and map under (created if missing).</summary>
    public string? PinPath { get; init; }
    /// <summary>
    /// Maps pinned by name go to a private folder of the object's first program (PrivatePins) instead of the
    /// bpffs root; used for the module's built-in programs when no PinPath is given.
    /// </summary>
    public bool PrivateMapPins { get; init; }
    /// <summary>Force a program type for objects whose section names do not say it.</summary>
    public BpfHookKind? ProgramType { get; init; }
    /// <summary>
    /// The hook the caller attaches or runs the program at: programs whose section name says no type
    /// (SEC("router")) get that hook's type, the others keep theirs. Without it (or ProgramType) such a
    /// program is refused with ProgramTypeUnknown, as bpftool refuses to guess.
    /// </summary>
    public BpfHookKind? Hook { get; init; }
    /// <summary>
    /// Global variables to set before load (name -> the variable's raw bytes), e.g. `const volatile` configuration.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]>? GlobalValues { get; init; }
    /// <summary>
    /// Global variables to set before load (name -> value), encoded by the variable's BTF type the way map values
    /// are: numbers, addresses, MACs, hashtables for structs, arrays.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }
    /// <summary>Maps to resize before load (libbpf map name -> max_entries).</summary>
    public IReadOnlyDictionary<string, object?>? MaxEntries { get; init; }
    /// <summary>
    /// The one program to load (the others are left out, see LoadOnly); null loads them all. The caller then takes
    /// that program from the object (a command's -ProgramName).
    /// </summary>
    public string? OnlyProgram { get; init; }
    /// <summary>
    /// Programs whose maps the load takes over by name (the build it replaces, or the program of the same object
    /// at the other hook); a program named like none of the object's is passed over (see MapReuse).
    /// </summary>
    public IReadOnlyCollection<uint>? ReuseMapsOf { get; init; }
    /// <summary>
    /// For loads that attach: a program pin under PinPath that holds something already (the build being replaced,
    /// or the object's program at the other hook) is left as it is instead of refused; the attach moves the pin of
    /// the program it attached to the new program (AttachableProgram.TakeOverPin).
    /// </summary>
    public bool LeaveTakenProgramPins { get; init; }
}

/// <summary>Opens, verifies and loads BPF object files, turning every failure into a specific BpfException.</summary>
public static class BpfObjectLoader
{
    private const int LogSize = 4 * 1024 * 1024;
    private const string BtfLogStart = "magic: 0xeb9f";

    public static BpfObject Load(string path, BpfLoadOptions? options = null)
    {
        options ??= new BpfLoadOptions();
        NativeRuntime.EnsureLibbpf();
        string full = CheckObjectFile(path);
        ObjectFileValidator.Validate(full);
        string? pinPath = options.PinPath is null ? null : BpfFs.CheckPinFolder(options.PinPath);
        string? loading = pinPath is null && options.PrivateMapPins && BpfFs.IsMounted() ? PrivatePins.NewFolder()
            : null;

        using var log = new KernelLogBuffer(LogSize);
        long warned = LibbpfLog.WarningMark;
        Result<SafeBpfObjectHandle> opened = Libbpf.OpenObject(full, pinPath ?? loading, log);
        if (!opened.Ok)
        {
            if (loading is not null) PrivatePins.Remove(loading);
            // The file exists and passed the validator: what libbpf still refuses is about its content.
            if (LibbpfObjectErrors.IsAboutContent(opened.Errno))
                throw LibbpfObjectErrors.OpenFailure(opened.Errno, full,
                    LibbpfReasons.From(LibbpfLog.WarningsSince(warned)));
            opened.OrThrow("open BPF object", full, ErrorId.BpfObjectOpenFailed);
        }
        SafeBpfObjectHandle handle = opened.Value;
        try
        {
            return LoadOpened(handle, full, pinPath, loading, options, log, warned);
        }
        catch
        {
            handle.Dispose();
            if (loading is not null) PrivatePins.Remove(loading);
            throw;
        }
    }

    private static BpfObject LoadOpened(SafeBpfObjectHandle handle, string path, string? pinPath, string? loading,
        BpfLoadOptions options, KernelLogBuffer log, long warned)
    {
        List<NativeProgram> natives = Libbpf.Programs(handle);
        if (natives.Count == 0)
            throw new BpfException(ErrorId.NoBpfProgram,
                $"'{path}' is a BPF object with no programs in it (no SEC(\"xdp\"), SEC(\"tc\") or similar " +
                "function).", path);

        if (options.OnlyProgram is string only)
            LoadOnly.Apply(natives, only, path);
        SetProgramTypes(natives, options, path);

        if (options.GlobalValues is not null)
            BpfGlobalValues.Apply(handle, options.GlobalValues, path);
        if (options.Variables is not null)
            BpfGlobalValues.Apply(handle, BpfGlobalValues.Encode(handle, options.Variables, path), path);
        if (options.MaxEntries is not null)
            MapSizes.Apply(handle, options.MaxEntries, path);

        // Maps that exist already are taken over (or refused) before anything is pinned or loaded.
        List<NativeMap> maps = Libbpf.Maps(handle);
        Dictionary<string, string> reused = MapReuse.Apply(handle, natives, maps, pinPath, options.ReuseMapsOf, path);

        // Maps pinned by name are reused when their pin exists; only the ones this load creates are ours to remove.
        var createdPins = new List<string>();
        foreach (NativeMap m in maps)
            if (m.PinPath is string mapPin && !File.Exists(mapPin))
                createdPins.Add(mapPin);

        // Every pin is planned and checked before anything is loaded; the folders are made here (and removed again
        // on failure), so a failed import leaves neither pins nor empty folders behind.
        // Programs left out of the load are neither pinned nor in the way of a pin.
        var taken = new List<string>();
        List<ObjectPins.Planned>? plan = pinPath is null ? null
            : ObjectPins.Plan(natives.Where(p => p.Autoload).ToList(), maps, pinPath, reused.Values.ToHashSet(),
                options.LeaveTakenProgramPins ? taken : null);
        List<string> folders = pinPath is null ? new List<string>() : ObjectPins.CreateFolders(pinPath);
        var result = new BpfObject(handle, Libbpf.ObjectName(handle), path, pinPath)
            { CreatedPins = createdPins, CreatedFolders = folders, TakenProgramPins = taken };
        try
        {
            Result loaded = Libbpf.LoadObject(handle);
            if (!loaded.Ok)
                throw LoadFailure(loaded.Errno, path, log.Text,
                    LibbpfReasons.From(LibbpfLog.WarningsSince(warned)));
            Func<string?, string?> pinned = p => p;
            if (loading is not null)
            {
                // The private folder was named for the load; now it takes the name of the program it belongs to.
                string? folder = PrivatePins.Settle(loading, natives);
                pinned = p => p is not null && folder is not null
                    && p.StartsWith(loading + "/", StringComparison.Ordinal) ? folder + p[loading.Length..] : p;
                result.CreatedPins = createdPins = createdPins.Select(p => pinned(p)!).ToList();
            }
            if (plan is not null)
                result.OwnPins = ObjectPins.Pin(plan, pinPath!);
            result.Programs = DescribePrograms(result, natives, pinPath);
            result.Maps = DescribeMaps(result, maps, pinned, result.OwnPins, reused);
            return result;
        }
        catch
        {
            ObjectPins.Remove(result.OwnPins);
            foreach (string pin in createdPins)
                if (File.Exists(pin))
                    File.Delete(pin);
            foreach (string pin in createdPins.Where(PrivatePins.IsPrivate))
                PrivatePins.Remove(Path.GetDirectoryName(pin)!);
            ObjectPins.RemoveFolders(folders);
            throw;
        }
    }

    /// <summary>
    /// Forces the type of every program (-Hook of Import-BpfObject), or gives the ones libbpf could not type from
    /// their section the type of the hook the caller uses; with neither, such a program is refused before load.
    /// </summary>
    private static void SetProgramTypes(List<NativeProgram> natives, BpfLoadOptions options, string path)
    {
        static BpfProgType TypeOf(BpfHookKind hook) =>
            hook == BpfHookKind.Xdp ? BpfProgType.Xdp : BpfProgType.SchedCls;
        foreach (NativeProgram p in natives)
        {
            if (options.ProgramType is BpfHookKind forced)
                p.SetType(TypeOf(forced)).OrThrow("set the program type of", p.Name);
            else if (p.Type == BpfProgType.Unspec && p.Autoload)
            {
                if (options.Hook is not BpfHookKind hook)
                    throw new BpfException(ErrorId.ProgramTypeUnknown,
                        $"Cannot guess the type of program '{p.Name}' in '{path}' from its section name " +
                        $"'{p.Section}'; say which hook it is for.", p.Section,
                        recommendedAction: "Add -Hook Xdp or -Hook Tc, or attach the file with Add-XdpProgram or " +
                            "Add-TcProgram, which know their hook.");
                p.SetType(TypeOf(hook)).OrThrow("set the program type of", p.Name);
            }
        }
    }

    /// <summary>Unpins what Load pinned and lets go of the object.</summary>
    public static void Release(BpfObject obj)
    {
        Unpin(obj);
        obj.Dispose();
    }

    /// <summary>
    /// Removes what Load pinned, and only that: its pins under PinPath (each while it still holds this object's
    /// program or map), the by-name map pins it created, and the folders it made once they are empty.
    /// </summary>
    public static void Unpin(BpfObject obj)
    {
        // Best effort: what is already gone needs no unpinning, and the caller is cleaning up anyway.
        ObjectPins.Remove(obj.OwnPins);
        foreach (string pin in obj.CreatedPins)
            if (File.Exists(pin))
                File.Delete(pin);
        ObjectPins.RemoveFolders(obj.CreatedFolders);
        foreach (string pin in obj.CreatedPins.Where(PrivatePins.IsPrivate))
            PrivatePins.Remove(Path.GetDirectoryName(pin)!);
    }

    private static List<BpfLoadedProgram> DescribePrograms(BpfObject owner, List<NativeProgram> natives,
        string? pinPath)
    {
        var programs = new List<BpfLoadedProgram>();
        foreach (NativeProgram p in natives)
        {
            using SafeFdHandle? fd = p.BorrowFd();
            if (fd is null) continue; // autoload off
            programs.Add(new BpfLoadedProgram(owner, p, KernelInventory.DescribeProgram(fd), p.Name, p.Section,
                pinPath is null ? null : Path.Combine(pinPath, p.Name)));
        }
        return programs;
    }

    private static List<BpfLoadedMap> DescribeMaps(BpfObject owner, List<NativeMap> natives,
        Func<string?, string?> pinned, IReadOnlyList<OwnPin> ownPins, Dictionary<string, string> reused)
    {
        var maps = new List<BpfLoadedMap>();
        foreach (NativeMap m in natives)
        {
            using SafeFdHandle? fd = m.BorrowFd();
            if (fd is null) continue;
            BpfMapInfo info = KernelInventory.DescribeMap(fd);
            // Maps pinned by name are libbpf's pins; the others -PinPath pinned one by one (ObjectPins).
            string? pin = m.IsPinned ? pinned(m.PinPath)
                : ownPins.FirstOrDefault(o => o.Kind == Libbpf.ObjectKind.Map && o.Id == info.Id)?.Path
                    ?? reused.GetValueOrDefault(m.Name);
            maps.Add(new BpfLoadedMap(owner, m, info, m.Name, pin));
        }
        return maps;
    }

    private static string CheckObjectFile(string path)
    {
        if (path.Contains('\0'))
            throw new BpfException(ErrorId.ObjectFileNotFound,
                $"BPF object path '{path.Replace('\0', '?')}' holds a NUL character, which no file name can hold.",
                path.Replace('\0', '?'));
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new BpfException(ErrorId.ObjectFileNotFound, $"BPF object file '{full}' does not exist.", full);
        // Before anything opens it: a FIFO given as an object would block the open.
        ObjectFileValidator.RequireRegularFile(full);
        byte[] magic = ObjectFileValidator.ReadHead(full, 4);
        if (magic.Length < 4 || magic[0] != 0x7f || magic[1] != (byte)'E' || magic[2] != (byte)'L'
            || magic[3] != (byte)'F')
            throw new BpfException(ErrorId.NotAnElfFile,
                $"'{full}' is not an ELF file; a BPF object is what clang -target bpf -c writes.", full);
        return full;
    }

    private static BpfException LoadFailure(Errno errno, string path, string? log, LibbpfReasons reasons)
    {
        if (BpfException.KindOf(errno) == BpfErrorKind.PermissionDenied && log is null)
        {
            // A kernel without a program type answers EPERM too: libbpf's lines tell the two apart.
            BpfException denied = BpfException.FromErrno((int)errno, "load BPF object", path,
                ErrorId.LoadPermissionDenied);
            return reasons.Lines.Count == 0 ? denied
                : denied.WithMessage(denied.Message.TrimEnd('.') + LibbpfObjectErrors.Said(reasons) + ".");
        }
        // BPF_BTF_LOAD writes its log to the same buffer and starts it with the header it checked; libbpf goes on
        // without BTF where it can, so the load failed later, but what the kernel refused was the BTF.
        if (log is not null && log.StartsWith(BtfLogStart, StringComparison.Ordinal))
            return new BpfException(ErrorId.BtfRejected,
                $"The kernel rejected the BTF (type information) of '{path}': {LastLine(log)}; loading then failed " +
                $"({ErrnoText.Describe(errno)}, errno {(int)errno}). The kernel's BTF log is in the error's details.",
                path, (int)errno, verifierLog: log,
                recommendedAction: "Rebuild the object with a clang and pahole this kernel accepts, or fix the BTF.");
        if (log is not null)
            return new BpfException(ErrorId.VerifierRejected,
                $"The kernel verifier rejected {(reasons.FailedKind == "program" ? reasons.FailedPart : "a program")}" +
                $" in '{path}': {LastLine(log)} ({ErrnoText.Describe(errno)}, errno {(int)errno}). The verifier log " +
                "is in the error's details.", path, (int)errno, verifierLog: log);
        return LibbpfObjectErrors.LoadFailure(errno, path, reasons);
    }

    private static string LastLine(string log)
    {
        string[] lines = log.TrimEnd().Split('\n');
        for (int i = lines.Length - 1; i >= 0; i--)
            if (!lines[i].StartsWith("processed ", StringComparison.Ordinal) && lines[i].Trim().Length > 0)
                return lines[i].Trim();
        return lines[^1];
    }
}
