using System;
using System.Buffers.Binary;
using System.Text;
using EbpfPs.Native;

namespace EbpfPs.Engine.Netlink;

/// <summary>What a driver says it can do with XDP (NETDEV_A_DEV_XDP_FEATURES, Linux 6.3+).</summary>
[Flags]
public enum XdpFeatureFlags : ulong
{
    None = 0,
    Basic = 1,
    Redirect = 2,
    NdoXmit = 4,
    XskZeroCopy = 8,
    HwOffload = 16,
    RxSg = 32,
    NdoXmitSg = 64,
}

/// <summary>
/// Asks the "netdev" generic-netlink family for an interface's XDP features, which is how the kernel
/// reports driver support without anything being attached.
/// </summary>
public static class XdpFeatures
{
    private const ushort GenlIdCtrl = 0x10, NlmsgError = 2, NlmFRequest = 1;
    private const byte CtrlCmdGetFamily = 3, NetdevCmdDevGet = 1;
    private const ushort CtrlAttrFamilyId = 1, CtrlAttrFamilyName = 2, NetdevAttrIfindex = 1, NetdevAttrXdpFeatures = 3;

    /// <summary>The interface's features, or null when the kernel has no netdev family (before 6.3).</summary>
    public static XdpFeatureFlags? Read(int ifindex)
    {
        using var socket = new NetlinkSocket(NetlinkSocket.Generic);
        byte[] name = Encoding.ASCII.GetBytes("netdev\0");
        byte[]? family = Request(socket, GenlIdCtrl, CtrlCmdGetFamily, CtrlAttrFamilyName, name);
        if (family is null || Find(family, CtrlAttrFamilyId) is not byte[] id)
            return null;
        byte[]? dev = Request(socket, BinaryPrimitives.ReadUInt16LittleEndian(id), NetdevCmdDevGet, NetdevAttrIfindex, BitConverter.GetBytes(ifindex));
        if (dev is null || Find(dev, NetdevAttrXdpFeatures) is not byte[] features)
            return null;
        return (XdpFeatureFlags)BinaryPrimitives.ReadUInt64LittleEndian(features);
    }

    /// <summary>Sends one request with one attribute; returns the reply's attributes, or null on ENOENT/EOPNOTSUPP.</summary>
    private static byte[]? Request(NetlinkSocket socket, ushort family, byte command, ushort attr, byte[] value)
    {
        int attrLen = 4 + value.Length;
        int total = 16 + 4 + ((attrLen + 3) & ~3);
        byte[] msg = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(msg, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(4), family);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(6), NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(msg.AsSpan(8), 1);
        msg[16] = command;
        msg[17] = 1; // genl version
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(20), (ushort)attrLen);
        BinaryPrimitives.WriteUInt16LittleEndian(msg.AsSpan(22), attr);
        value.CopyTo(msg, 24);
        socket.Send(msg);

        byte[] buffer = new byte[16 * 1024];
        int length = socket.Receive(buffer);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(4));
        if (type == NlmsgError)
        {
            int error = -BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(16));
            if (error == 0 || error is LinuxErrno.ENOENT or LinuxErrno.EOPNOTSUPP or LinuxErrno.EINVAL)
                return null;
            throw BpfException.FromErrno(error, "ask the kernel for XDP features");
        }
        int msgLen = Math.Min(length, (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer));
        return buffer.AsSpan(20, msgLen - 20).ToArray();
    }

    private static byte[]? Find(byte[] attrs, ushort wanted)
    {
        int offset = 0;
        while (offset + 4 <= attrs.Length)
        {
            ushort len = BinaryPrimitives.ReadUInt16LittleEndian(attrs.AsSpan(offset));
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attrs.AsSpan(offset + 2)) & 0x3fff);
            if (len < 4 || offset + len > attrs.Length) break;
            if (type == wanted) return attrs.AsSpan(offset + 4, len - 4).ToArray();
            offset += (len + 3) & ~3;
        }
        return null;
    }
}
