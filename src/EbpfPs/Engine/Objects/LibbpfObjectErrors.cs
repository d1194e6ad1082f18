using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// What an errno from libbpf means once the object file is known to exist and to be a checked ELF object.
/// libbpf's open path makes no syscall that can fail for other reasons than the file's content (save memory
/// and file descriptors), and at load an ENOENT without a kernel log is libbpf not finding something the
/// object refers to (a subprogram's .BTF.ext function info, say): "No such file" would point at the wrong thing.
/// The errno alone rarely says what is wrong, so each message carries libbpf's own last reason lines.
/// </summary>
internal static class LibbpfObjectErrors
{
    private const Errno EMFILE = (Errno)24, ENFILE = (Errno)23;

    /// <summary>Where the rest of libbpf's lines are: the cmdlets show its whole log under -Debug.</summary>
    internal const string WholeLog = "-Debug shows libbpf's whole log";

    public static bool IsAboutContent(Errno errno) =>
        errno is not (Errno.ENOMEM or Errno.EPERM or Errno.EACCES or EMFILE or ENFILE);

    public static string Describe(Errno errno, LibbpfReasons reasons) => errno switch
    {
        Errno.ENOENT or Errno.ESRCH => "something it refers to is missing (a section, a BTF type or a symbol)",
        Errno.EOPNOTSUPP or Errno.ENOTSUPP => "it uses something this libbpf does not support",
        Errno.EINVAL => "its contents are inconsistent",
        _ => $"{ErrnoText.Describe(errno)} (errno {(int)errno})",
    } + Said(reasons);

    /// <summary>An open that libbpf refused for the file's content.</summary>
    public static BpfException OpenFailure(Errno errno, string path, LibbpfReasons reasons) =>
        new(ErrorId.InvalidBpfObject,
            $"'{path}' is an ELF file but not a BPF object libbpf can open: {Describe(errno, reasons)}.", path,
            (int)errno);

    /// <summary>A load failure the kernel logged nothing for.</summary>
    public static BpfException LoadFailure(Errno errno, string path, LibbpfReasons reasons)
    {
        string failed = reasons.FailedPart is not string part ? "loading failed"
            : reasons.FailedKind == "map" ? $"{part} failed" : $"{part} failed to load";
        if (errno == Errno.ENOENT)
            return new BpfException(ErrorId.InvalidBpfObject,
                $"'{path}' is not a BPF object libbpf can load: something a program refers to is missing " +
                $"(function info in .BTF.ext for a subprogram, say){Said(reasons)}.", path, (int)errno);
        BpfException e = BpfException.FromErrno((int)errno, "load BPF object", path, ErrorId.BpfObjectLoadFailed);
        return reasons.Lines.Count == 0 ? e : e.WithMessage(
            $"Cannot load BPF object '{path}': {failed} ({ErrnoText.Describe(errno)}, errno {(int)errno}); " +
            $"{reasons.Clause}; {WholeLog}.");
    }

    /// <summary>libbpf's reasons as the tail of a message, pointing to -Debug for the rest.</summary>
    public static string Said(LibbpfReasons reasons) =>
        reasons.Lines.Count == 0 ? $"; {WholeLog}" : $"; {reasons.Clause}; {WholeLog}";
}
