using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Validation;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// The programs an object file holds, read by opening it with libbpf without loading anything: what -ProgramName
/// can name (tab completion offers these). The file is checked as a load checks it first, so a FIFO does not block
/// and a malformed ELF never reaches libbpf.
/// </summary>
public static class ObjectFilePrograms
{
    /// <summary>The names of the file's programs in the object's order (an unreadable file throws).</summary>
    public static IReadOnlyList<string> Names(string path)
    {
        NativeRuntime.EnsureLibbpf();
        string full = Path.GetFullPath(path);
        ObjectFileValidator.RequireRegularFile(full);
        ObjectFileValidator.Validate(full);
        long warned = LibbpfLog.WarningMark;
        // Nothing is loaded, so the kernel writes no log; libbpf still wants a buffer to hand it.
        using var log = new KernelLogBuffer(1);
        Result<SafeBpfObjectHandle> opened = Libbpf.OpenObject(full, null, log);
        if (!opened.Ok)
            throw LibbpfObjectErrors.OpenFailure(opened.Errno, full,
                LibbpfReasons.From(LibbpfLog.WarningsSince(warned)));
        using SafeBpfObjectHandle handle = opened.Value;
        return Libbpf.Programs(handle).Select(p => p.Name).ToArray();
    }
}
