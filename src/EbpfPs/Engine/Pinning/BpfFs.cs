using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Pinning;

/// <summary>The BPF filesystem: where pins live, and the check that a path is really on it.</summary>
public static class BpfFs
{
    public const string DefaultRoot = "/sys/fs/bpf";

    /// <summary>The module's own folder on bpffs for pins it makes on the user's behalf (links, say).</summary>
    public const string ModuleRoot = DefaultRoot + "/ebpfps";

    public static bool IsMounted(string root = DefaultRoot) => IsBpfFs(root);

    private static bool IsBpfFs(string path) => Libc.FileSystemType(path) is { Ok: true, Value: Libc.BpfFsMagic };

    /// <summary>
    /// Throws unless dir, or the nearest folder above it that exists, lies on a mounted bpffs. Checked
    /// before anything is loaded, so a refused pin path leaves nothing behind.
    /// </summary>
    public static string CheckOnBpfFs(string dir)
    {
        PinPathShape.CheckText(dir);
        string full = Path.GetFullPath(dir);
        // A relative path grows by the working folder, which can carry it past PATH_MAX.
        PinPathShape.CheckText(full);
        string? existing = full;
        while (existing is not null && !Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing);
        if (existing is null || !IsBpfFs(existing))
            throw new BpfException(ErrorId.PinPathNotOnBpfFs,
                $"Pin path '{full}' is not on a BPF filesystem (bpffs).", full,
                recommendedAction: IsMounted()
                    ? $"Choose a folder under {DefaultRoot}."
                    : $"Mount bpffs first: mount -t bpf bpf {DefaultRoot}");
        return full;
    }

    /// <summary>
    /// CheckOnBpfFs for a folder to pin into (-PinPath): a pin, or a file, where the folder or one above it would be
    /// is refused as such, not as a path off bpffs.
    /// </summary>
    public static string CheckPinFolder(string dir)
    {
        string full = CheckOnBpfFs(dir);
        PinPathShape.CheckNotAPin(full);
        return full;
    }

    /// <summary>
    /// True when the path, or the nearest folder above it that exists, lies on a mounted bpffs: a path there names
    /// a pin (or a pin that is missing), never an object file.
    /// </summary>
    public static bool IsOnBpfFs(string path)
    {
        string? existing = Path.GetFullPath(path);
        while (existing is not null && !File.Exists(existing) && !Directory.Exists(existing))
            existing = Path.GetDirectoryName(existing);
        return existing is not null && IsBpfFs(existing);
    }

    /// <summary>Throws PinPathNotOnBpfFs unless an existing path lies on a mounted bpffs.</summary>
    public static void RequireOnBpfFs(string path)
    {
        if (!IsBpfFs(path))
            throw new BpfException(ErrorId.PinPathNotOnBpfFs,
                $"'{path}' is not on a BPF filesystem (bpffs), so it cannot be a pinned BPF object.", path,
                recommendedAction: $"Pins live under {DefaultRoot}; Get-BpfMap lists the maps the kernel holds.");
    }
}
