using System;
using System.IO;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Pinning;

/// <summary>Removing pins: only entries on bpffs, so a mistyped path can never delete an ordinary file.</summary>
public static class Pins
{
    public static void Remove(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new BpfException(ErrorId.PinnedObjectNotFound, $"Nothing is pinned at '{full}'.", full);
        BpfFs.CheckOnBpfFs(full);
        try
        {
            if (Directory.Exists(full))
                Directory.Delete(full, recursive: true);
            else
                File.Delete(full);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BpfException(ErrorId.PermissionDenied, $"Cannot unpin '{full}': {e.Message}", full,
                (int)Interop.Errno.EACCES, recommendedAction: BpfException.PrivilegeAdvice);
        }
        catch (IOException e)
        {
            // Removed by someone else meanwhile, or (a folder) something was pinned into it meanwhile.
            throw File.Exists(full) || Directory.Exists(full)
                ? new BpfException(ErrorId.BpfOperationFailed, $"Cannot unpin '{full}': {e.Message}", full)
                : new BpfException(ErrorId.PinnedObjectNotFound, $"'{full}' was unpinned meanwhile.", full);
        }
    }
}
