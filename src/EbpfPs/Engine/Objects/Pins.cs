using System.IO;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Objects;

/// <summary>Removing pins: only entries on bpffs, so a mistyped path can never delete an ordinary file.</summary>
public static class Pins
{
    public static void Remove(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new BpfException(ErrorId.PinnedObjectNotFound, $"Nothing is pinned at '{full}'.", full);
        BpfFs.CheckOnBpfFs(full);
        if (Directory.Exists(full))
            Directory.Delete(full, recursive: true);
        else
            File.Delete(full);
    }
}
