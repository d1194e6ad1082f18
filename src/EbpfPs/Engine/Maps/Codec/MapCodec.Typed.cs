using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.Maps.Codec;

/// <summary>
/// The writers whose accepted forms follow from the type: big-endian numbers and addresses, in_addr and in6_addr,
/// enums in their own range, chars. Each takes back what the reader prints and refuses what it would have to guess.
/// </summary>
internal sealed partial class MapCodec
{
    /// <summary>
    /// A __be16/__be32/__be64 takes a number in host order; a __be32 also takes an IPv4 address. With the network
    /// rule on, a __be32 reads as an address, so text for it must be one: '1' or '1.2.3' would otherwise become an
    /// address nobody wrote.
    /// </summary>
    private static Encoder BigEndianEncoder(int size, bool net) => (v, b, o, path) =>
    {
        if (size == 4 && Unwrap(v) is string s)
        {
            if (NetworkTypes.TryParseIpv4(s.Trim(), b.AsSpan(o, 4)))
                return;
            if (net || !IsIntegerText(s))
                throw NetworkTypes.NotIpv4(path, s);
        }
        WriteInteger(v, b, o, size, signed: false, bigEndian: true, path);
    };

    /// <summary>
    /// struct in_addr and struct in6_addr take the address as text (what Get shows), their bytes, or their fields as
    /// a hashtable (what -NoNetworkFormat shows); an in_addr also takes a host-order number, as its __be32 does.
    /// </summary>
    private static Encoder AddressStructEncoder(BtfType t, Encoder fields)
    {
        bool v6 = NetworkTypes.IsIpv6Struct(t);
        return (v, b, o, path) =>
        {
            object? value = Unwrap(v);
            switch (value)
            {
                case string s when v6:
                    if (!NetworkTypes.TryParseIpv6(s.Trim(), b.AsSpan(o, 16))) throw NetworkTypes.NotIpv6(path, s);
                    return;
                case string s:
                    if (!NetworkTypes.TryParseIpv4(s.Trim(), b.AsSpan(o, 4))) throw NetworkTypes.NotIpv4(path, s);
                    return;
                case byte[] bytes:
                    WriteBytes(bytes, b, o, (int)t.Size, path);
                    return;
                case IDictionary:
                    fields(value, b, o, path);
                    return;
                case IConvertible when !v6:
                    WriteInteger(value, b, o, 4, signed: false, bigEndian: true, path);
                    return;
                default:
                    throw v6 ? NetworkTypes.NotIpv6(path, $"{value}") : NetworkTypes.NotIpv4(path, $"{value}");
            }
        };
    }

    /// <summary>Signed when BTF says so (kind_flag) or when an enumerator is negative (BTF before the flag).</summary>
    private static bool EnumIsSigned(BtfType t) => t.Signed || t.Enumerators.Any(e => e.Value < 0);

    /// <summary>
    /// An enum holds its own range only: -1 in an unsigned enum would be stored as all ones, a value nobody
    /// named. Numbers without a name are kept (enums used as flags combine them).
    /// </summary>
    private static void CheckEnumRange(BigInteger n, int bits, bool signed, Dictionary<string, long> names,
        string path)
    {
        BigInteger one = BigInteger.One;
        BigInteger min = signed ? -(one << (bits - 1)) : 0;
        BigInteger max = signed ? (one << (bits - 1)) - 1 : (one << bits) - 1;
        if (n < min || n > max)
            throw FieldError(ErrorId.ValueOutOfRange, path,
                $"is a {bits}-bit {(signed ? "signed" : "unsigned")} enum; {n} is outside {min}..{max}. Accepted: "
                + $"{string.Join(", ", names.Keys)}, or a number in that range.");
    }

    /// <summary>
    /// A char takes a one-character string as that character, digits too: that is how it reads. A char reads as the
    /// character of its byte, so a signed char's byte above 0x7f goes back as the negative number it is.
    /// </summary>
    private static object? CharCode(object? v, bool isChar, bool signed) => Unwrap(v) switch
    {
        char c => Code(c, signed),
        string { Length: 1 } s when isChar => Code(s[0], signed),
        var other => other,
    };

    private static int Code(char c, bool signed) => signed && c is > (char)0x7f and <= (char)0xff ? (sbyte)(byte)c : c;

    private static bool IsIntegerText(string s) =>
        s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || (s.Length > 0 && s.All(char.IsAsciiDigit));
}
