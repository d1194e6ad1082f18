using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// What an errno from libbpf means once the object file is known to exist and to be a checked ELF object.
/// libbpf's open path makes no syscall that can fail for other reasons than the file's content (save memory
/// and file descriptors), and at load an ENOENT without a kernel log is libbpf not finding something the
/// object refers to (a subprogram's .BTF.ext function info, say): "No such file" would point at the wrong thing.
/// </summary>
internal static class LibbpfObjectErrors
{
    private const Errno EMFILE = (Errno)24, ENFILE = (Errno)23;

    public static bool IsAboutContent(Errno errno) =>
        errno is not (Errno.ENOMEM or Errno.EPERM or Errno.EACCES or EMFILE or ENFILE);

    public static string Describe(Errno errno) => errno switch
    {
        Errno.ENOENT or Errno.ESRCH => "something it refers to is missing (a section, a BTF type or a symbol)",
        Errno.EOPNOTSUPP or Errno.ENOTSUPP => "it uses something this libbpf does not support",
        Errno.EINVAL => "its contents are inconsistent",
        _ => $"{ErrnoText.Describe(errno)} (errno {(int)errno})",
    } + "; -Verbose shows libbpf's reasons";

    /// <summary>A load failure the kernel logged nothing for.</summary>
    public static BpfException LoadFailure(Errno errno, string path) => errno == Errno.ENOENT
        ? new BpfException(ErrorId.InvalidBpfObject,
            $"'{path}' is not a BPF object libbpf can load: something a program refers to is missing " +
            "(function info in .BTF.ext for a subprogram, say); -Verbose shows libbpf's reasons.", path, (int)errno)
        : BpfException.FromErrno((int)errno, "load BPF object", path, ErrorId.BpfObjectLoadFailed);
}
