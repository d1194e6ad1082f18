using System;
using System.Net;
using System.Net.Sockets;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps.Codec;

/// <summary>
/// Which BTF types are network addresses, decided by the type alone so the same bytes read the same in every
/// map: a __be32 typedef and struct in_addr are IPv4 addresses, struct in6_addr is an IPv6 address (one text
/// for its whole union, whichever view the program uses). The text forms accepted back are strict: an IPv4
/// address is exactly four dotted decimals, because IPAddress.Parse would take '1.2.3' as 1.2.0.3 where
/// iproute2 means 1.2.3.0, and a silently different address is worse than a refusal.
/// </summary>
internal static class NetworkTypes
{
    internal const string Ipv4Forms = "four dotted decimals such as 198.18.0.1, or a number in host order";
    internal const string Ipv6Forms = "IPv6 text such as 2001:db8::1 or 64:ff9b::, or 16 bytes";

    public static bool IsIpv4Struct(BtfType t) => t.Kind == BtfKind.Struct && t.Name == "in_addr" && t.Size == 4;

    public static bool IsIpv6Struct(BtfType t) => t.Kind == BtfKind.Struct && t.Name == "in6_addr" && t.Size == 16;

    /// <summary>Four decimal parts of 0-255 with no sign, space or leading zero beyond one digit.</summary>
    public static bool TryParseIpv4(string text, Span<byte> into)
    {
        string[] parts = text.Split('.');
        if (parts.Length != 4)
            return false;
        for (int i = 0; i < 4; i++)
        {
            string p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0'))
                return false;
            int v = 0;
            foreach (char c in p)
            {
                if (c is < '0' or > '9') return false;
                v = v * 10 + (c - '0');
            }
            if (v > 255) return false;
            into[i] = (byte)v;
        }
        return true;
    }

    public static bool TryParseIpv6(string text, Span<byte> into) =>
        text.Contains(':') && IPAddress.TryParse(text, out IPAddress? ip)
        && ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId == 0 && ip.TryWriteBytes(into, out _);

    public static string Ipv6(byte[] b, int o) => new IPAddress(b.AsSpan(o, 16)).ToString();

    public static BpfException NotIpv4(string path, string text) => MapCodec.FieldError(ErrorId.InvalidIpAddress,
        path, $"holds an IPv4 address; '{text}' is not one. Accepted: {Ipv4Forms}.");

    public static BpfException NotIpv6(string path, string text) => MapCodec.FieldError(ErrorId.InvalidIpAddress,
        path, $"holds an IPv6 address; '{text}' is not one. Accepted: {Ipv6Forms}.");
}
