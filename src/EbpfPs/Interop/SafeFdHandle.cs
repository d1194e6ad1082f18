using Microsoft.Win32.SafeHandles;

namespace EbpfPs.Interop;

/// <summary>A kernel file descriptor (program, map, link, BTF, netns, socket) closed exactly once.</summary>
internal sealed class SafeFdHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    internal SafeFdHandle(int fd, bool ownsHandle = true) : base(ownsHandle) => SetHandle(fd);

    /// <summary>The fd number for native calls; valid only while the handle is alive.</summary>
    internal int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
