using System;

namespace EbpfPs.Interop.Netlink;

/// <summary>
/// A netlink socket (route or generic) in the calling thread's network namespace, for the requests
/// libbpf has no call for: listing TC filters, interface counters, XDP features.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int AfNetlink = 16, SockRaw = 3, SockCloexec = 0x80000;
    private readonly SafeFdHandle _fd;
    private uint _sequence;

    private NetlinkSocket(SafeFdHandle fd) => _fd = fd;

    internal static Result<NetlinkSocket> Open(int protocol)
    {
        int fd = Libc.Socket(AfNetlink, SockRaw | SockCloexec, protocol);
        return fd >= 0 ? Result<NetlinkSocket>.Success(new NetlinkSocket(new SafeFdHandle(fd))) : Result.LastErrno();
    }

    /// <summary>A fresh sequence number for the next request, so replies can be matched to it.</summary>
    internal uint NextSequence() => ++_sequence;

    internal Result Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
            return Libc.Send(_fd, p, message.Length) < 0 ? Result.LastErrno() : Result.Success;
    }

    /// <summary>Reads one datagram (one or more netlink messages) into buffer and returns its length.</summary>
    internal Result<int> Receive(byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            nint n = Libc.Receive(_fd, p, buffer.Length);
            return n >= 0 ? Result<int>.Success((int)n) : Result.LastErrno();
        }
    }

    private byte[]? _buffer;

    /// <summary>
    /// Sends one request and hands every reply message of its sequence to onMessage until the kernel is
    /// done: an NLMSG_DONE for dumps, the single reply otherwise. An NLMSG_ERROR with an errno ends it.
    /// A socket serves any number of exchanges one after the other (a batch over many interfaces): what an
    /// earlier request left unread is passed over by its sequence number. A reply's bytes live in the socket's
    /// buffer: read what is needed before the next exchange.
    /// </summary>
    internal Result Exchange(NetlinkMessage request, bool dump, Action<NetlinkReply> onMessage)
    {
        uint sequence = NextSequence();
        Result sent = Send(request.Finish(sequence));
        if (!sent.Ok) return sent;
        byte[] buffer = _buffer ??= new byte[64 * 1024];
        while (true)
        {
            Result<int> received = Receive(buffer);
            if (!received.Ok) return received.Errno;
            foreach (NetlinkReply reply in NetlinkReply.Split(buffer.AsMemory(0, received.Value)))
            {
                if (reply.Sequence != sequence)
                    continue;
                if (reply.Type == (ushort)Kernel.NetlinkControl.Done)
                    return Result.Success;
                if (reply.Type == (ushort)Kernel.NetlinkControl.Error)
                {
                    Errno errno = reply.ErrorCode;
                    return errno == Errno.None ? Result.Success : errno;
                }
                onMessage(reply);
                if (!dump) return Result.Success;
            }
        }
    }

    public void Dispose() => _fd.Dispose();
}
