using System.IO;
using System.Text;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Pinning;

/// <summary>
/// What a -PinPath must look like before bpffs is asked: .NET and the kernel refuse the other shapes with errors
/// that name the wrong cause (an ArgumentException for a NUL, "not on bpffs" for a name too long or a pinned map).
/// </summary>
internal static class PinPathShape
{
    /// <summary>NAME_MAX: bpffs, like every Linux file system, takes no longer name.</summary>
    internal const int MaxNameBytes = 255;

    /// <summary>PATH_MAX less the NUL: the longest path a syscall takes.</summary>
    internal const int MaxPathBytes = 4095;

    /// <summary>Throws PinNameNotAllowed or PinPathTooLong when the text cannot name a bpffs folder.</summary>
    internal static void CheckText(string dir)
    {
        if (dir.Contains('\0'))
            throw new BpfException(ErrorId.PinNameNotAllowed,
                $"Pin path '{dir.Replace('\0', '?')}' holds a NUL character, which no file name can hold.",
                dir.Replace('\0', '?'));
        if (Encoding.UTF8.GetByteCount(dir) > MaxPathBytes)
            throw new BpfException(ErrorId.PinPathTooLong,
                $"Pin path '{dir}' is {Encoding.UTF8.GetByteCount(dir)} bytes; the kernel takes paths of up to " +
                $"{MaxPathBytes}.", dir);
        foreach (string name in dir.Split('/'))
            if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
                throw new BpfException(ErrorId.PinPathTooLong,
                    $"Pin path '{dir}' has a name of {Encoding.UTF8.GetByteCount(name)} bytes; bpffs takes names of " +
                    $"up to {MaxNameBytes}.", dir);
    }

    /// <summary>
    /// Throws PinPathIsNotAFolder when the path, or a folder on the way to it, is a pin or another file: pins can
    /// only go into a folder, and bpffs says EEXIST or ENOTDIR, which reads like a missing bpffs.
    /// </summary>
    internal static void CheckNotAPin(string full)
    {
        for (string? p = full; p is not null && !Directory.Exists(p); p = Path.GetDirectoryName(p))
            if (File.Exists(p))
                throw new BpfException(ErrorId.PinPathIsNotAFolder,
                    $"'{p}' is " + (BpfFs.IsOnBpfFs(p) ? "a pinned BPF object" : "a file") + ", not a folder; " +
                    "-PinPath names the folder the object's pins go into.", full,
                    recommendedAction: "Give a new or existing folder, such as " +
                        $"'{Path.GetDirectoryName(p)}/{Path.GetFileName(p)}-pins'.");
    }
}
