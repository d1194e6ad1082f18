using Microsoft.Win32.SafeHandles;

namespace EbpfPs.Native;

/// <summary>A kernel file descriptor (program, map, link, BTF, netns) closed exactly once.</summary>
public sealed class SafeFdHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFdHandle() : base(true) { }

    internal SafeFdHandle(int fd, bool ownsHandle = true) : base(ownsHandle) => SetHandle(fd);

    /// <summary>The fd number for native calls; valid only while the handle is alive.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}
