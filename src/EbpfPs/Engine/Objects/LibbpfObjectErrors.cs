namespace EbpfPs.Engine.Objects;

/// <summary>
/// What an errno from libbpf means once the object file is known to exist and to be a checked ELF object.
/// libbpf's open path makes no syscall that can fail for other reasons than the file's content (save memory
/// and file descriptors), and at load an ENOENT without a kernel log is libbpf not finding something the
/// object refers to (a subprogram's .BTF.ext function info, say): "No such file" would point at the wrong thing.
/// </summary>
internal static class LibbpfObjectErrors
{
    private const int EMFILE = 24, ENFILE = 23;

    public static bool IsAboutContent(int errno) =>
        errno is not (LinuxErrno.ENOMEM or LinuxErrno.EPERM or LinuxErrno.EACCES or EMFILE or ENFILE);

    public static string Describe(int errno) => errno switch
    {
        LinuxErrno.ENOENT or LinuxErrno.ESRCH =>
            "something it refers to is missing (a section, a BTF type or a symbol)",
        LinuxErrno.EOPNOTSUPP or LinuxErrno.ENOTSUP_LIBBPF => "it uses something this libbpf does not support",
        LinuxErrno.EINVAL => "its contents are inconsistent",
        _ => $"{LinuxErrno.Describe(errno)} (errno {errno})",
    } + "; -Verbose shows libbpf's reasons";

    /// <summary>A load failure the kernel logged nothing for.</summary>
    public static BpfException LoadFailure(int errno, string path) => errno == LinuxErrno.ENOENT
        ? new BpfException("InvalidBpfObject", BpfErrorKind.InvalidData,
            $"'{path}' is not a BPF object libbpf can load: something a program refers to is missing (function " +
            "info in .BTF.ext for a subprogram, say); -Verbose shows libbpf's reasons.", path, errno)
        : BpfException.FromErrno(errno, "load BPF object", path, "BpfObjectLoadFailed");
}
