using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// A raw packet socket (AF_PACKET) bound to one interface, for sending whole frames where the kernel refuses
/// BPF_F_TEST_XDP_LIVE_FRAMES. Frames go straight to the device (PACKET_QDISC_BYPASS), as live frames do.
/// </summary>
internal static unsafe partial class Libc
{
    // linux/socket.h, linux/if_packet.h: no header constant EbpfPs names elsewhere.
    private const int AfPacket = 17, SockRawType = 3, SockCloexecFlag = 0x80000, SolPacket = 263,
        PacketQdiscBypass = 20;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int Ifindex;
        public ushort HaType;
        public byte PktType;
        public byte HaLen;
        public fixed byte Addr[8];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int bind(int fd, void* address, uint length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);

    /// <summary>
    /// A packet socket that sends out of ifindex of the calling thread's network namespace (a socket keeps the
    /// namespace it was made in, so later sends may come from any thread).
    /// </summary>
    internal static Result<SafeFdHandle> OpenPacketSocket(int ifindex)
    {
        int fd = socket(AfPacket, SockRawType | SockCloexecFlag, 0);
        if (fd < 0)
            return Result.LastErrno();
        var socketFd = new SafeFdHandle(fd);
        var address = new SockaddrLl { Family = AfPacket, Ifindex = ifindex };
        int one = 1;
        if (bind(fd, &address, (uint)sizeof(SockaddrLl)) < 0
            || setsockopt(fd, SolPacket, PacketQdiscBypass, &one, sizeof(int)) < 0)
        {
            Errno errno = Result.LastErrno();
            socketFd.Dispose();
            return errno;
        }
        return socketFd;
    }

    /// <summary>
    /// Sends frames[first], frames[first + 1], ... (count of them, wrapping around the array) in one sendmmsg; returns
    /// how many the kernel took (fewer when the device queue is full).
    /// </summary>
    internal static Result<int> SendFrames(SafeFdHandle socket, byte[][] frames, int first, int count)
    {
        count = Math.Min(count, 1024);
        var handles = new GCHandle[frames.Length];
        try
        {
            for (int i = 0; i < frames.Length; i++)
                handles[i] = GCHandle.Alloc(frames[i], GCHandleType.Pinned);
            IoVec* iov = stackalloc IoVec[count];
            MMsgHdr* messages = stackalloc MMsgHdr[count];
            for (int i = 0; i < count; i++)
            {
                int f = (first + i) % frames.Length;
                iov[i] = new IoVec
                {
                    Base = (byte*)handles[f].AddrOfPinnedObject(), Length = (nuint)frames[f].Length,
                };
                messages[i] = new MMsgHdr { Header = new MsgHdr { Iov = &iov[i], IovLength = 1 } };
            }
            int sent = sendmmsg(socket.Fd, messages, (uint)count, 0);
            return sent < 0 ? Result.LastErrno() : sent;
        }
        finally
        {
            foreach (GCHandle h in handles)
                if (h.IsAllocated) h.Free();
        }
    }
}
