using System;
using System.Buffers.Binary;
using System.Text;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop.Netlink;

/// <summary>
/// The "netdev" generic-netlink family (Linux 6.3+): an interface's XDP features, which is how the kernel
/// reports driver support without anything being attached.
/// </summary>
internal static class NetdevFamily
{
    private const int GenlHeaderLength = 4;

    /// <summary>The interface's features, or null when the kernel has no netdev family (before 6.3).</summary>
    internal static Result<XdpFeatures?> ReadXdpFeatures(int ifindex)
    {
        Result<NetlinkSocket> opened = NetlinkSocket.Open(NetlinkProtocol.Generic);
        if (!opened.Ok) return opened.Errno;
        using NetlinkSocket socket = opened.Value;

        Result<NetlinkAttribute?> family = Request(socket, NetlinkProtocol.GenlIdCtrl, (byte)GenlControl.CmdGetfamily,
            (ushort)GenlControl.AttrFamilyName, Encoding.ASCII.GetBytes("netdev\0"), (ushort)GenlControl.AttrFamilyId);
        if (!family.Ok) return family.Errno;
        if (family.Value is not NetlinkAttribute id) return Result<XdpFeatures?>.Success(null);

        Span<byte> index = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(index, ifindex);
        Result<NetlinkAttribute?> dev = Request(socket, id.U16, (byte)NetdevGenl.CmdDevGet,
            (ushort)NetdevGenl.AttrDevIfindex, index.ToArray(), (ushort)NetdevGenl.AttrDevXdpFeatures);
        if (!dev.Ok) return dev.Errno;
        return Result<XdpFeatures?>.Success(dev.Value is NetlinkAttribute f ? (XdpFeatures)f.U64 : null);
    }

    /// <summary>
    /// One request with one attribute; returns the wanted reply attribute, or null when the family or device has none.
    /// </summary>
    private static Result<NetlinkAttribute?> Request(NetlinkSocket socket, ushort family, byte command,
        ushort attribute, byte[] value,
        ushort wanted)
    {
        ReadOnlySpan<byte> genl = stackalloc byte[GenlHeaderLength] { command, 1, 0, 0 }; // cmd, version 1
        NetlinkAttribute? found = null;
        Result done = socket.Exchange(new NetlinkMessage(family, NetlinkFlags.Request, genl).Attribute(attribute,
            value), dump: false,
            reply => found = NetlinkAttribute.Find(reply.Attributes(GenlHeaderLength), wanted));
        // An unknown family (old kernel) or device answers ENOENT/EOPNOTSUPP/EINVAL: nothing to report.
        if (done.Errno is Errno.ENOENT or Errno.EOPNOTSUPP or Errno.EINVAL)
            return Result<NetlinkAttribute?>.Success(null);
        return done.Ok ? Result<NetlinkAttribute?>.Success(found) : done.Errno;
    }
}
