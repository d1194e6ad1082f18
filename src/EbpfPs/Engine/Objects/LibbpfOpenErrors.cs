namespace EbpfPs.Engine.Objects;

/// <summary>
/// What an errno from bpf_object__open_file means once the file is known to exist and to be a checked
/// ELF object: libbpf's open path makes no syscall that can fail for other reasons than the file's content
/// (save memory and file descriptors), so ENOENT there is "a section, type or symbol it names is missing",
/// not "no such file".
/// </summary>
internal static class LibbpfOpenErrors
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
}
