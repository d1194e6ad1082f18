using System.IO;

namespace EbpfPs.Interop;

/// <summary>What kind of BPF object an fd refers to, as bpftool tells (the anon inode's name).</summary>
internal static partial class Libc
{
    /// <summary>
    /// Program, Map or Link for a BPF fd; EINVAL for any other fd. A pin on bpffs opens as whatever was pinned, and
    /// BPF_OBJ_GET_INFO_BY_FD answers a program's info to a caller that meant a map.
    /// </summary>
    internal static Result<Libbpf.ObjectKind> BpfObjectKind(SafeFdHandle fd)
    {
        string? target;
        try
        {
            target = new FileInfo($"/proc/self/fd/{fd.Fd}").LinkTarget;
        }
        catch (IOException)
        {
            return Errno.EBADF;
        }
        return target switch
        {
            "anon_inode:bpf-prog" => Libbpf.ObjectKind.Program,
            "anon_inode:bpf-map" => Libbpf.ObjectKind.Map,
            // older kernels name it "bpf_link"
            "anon_inode:bpf-link" or "anon_inode:bpf_link" => Libbpf.ObjectKind.Link,
            null => Errno.EBADF,
            _ => Errno.EINVAL,
        };
    }
}
