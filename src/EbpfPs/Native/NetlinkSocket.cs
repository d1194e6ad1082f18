using System;
using System.Runtime.InteropServices;
using EbpfPs.Engine;

namespace EbpfPs.Native;

/// <summary>
/// A netlink socket (route or generic) in the calling thread's network namespace, for the requests
/// libbpf has no call for: listing TC filters, interface counters, XDP features.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000;
    internal const int Route = 0, Generic = 16;
    private readonly SafeFdHandle _fd;

    internal NetlinkSocket(int protocol = Route)
    {
        int fd = Libc.socket(AfNetlink, SockRaw | SockCloexec, protocol);
        _fd = fd >= 0 ? new SafeFdHandle(fd) : throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "open a netlink socket");
    }

    internal void Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
            if (Libc.send(_fd.Fd, p, (nuint)message.Length, 0) < 0)
                throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "send a netlink request");
    }

    /// <summary>Reads one datagram (one or more netlink messages) into buffer and returns its length.</summary>
    internal int Receive(byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n = Libc.recv(_fd.Fd, p, (nuint)buffer.Length, 0);
            return n >= 0 ? (int)n : throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "read a netlink reply");
        }
    }

    public void Dispose() => _fd.Dispose();
}
