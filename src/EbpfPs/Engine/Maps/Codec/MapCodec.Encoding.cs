using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps.Codec;

/// <summary>The writing half of a codec: objects, hashtables, numbers, text and bytes into the kernel layout.</summary>
internal sealed partial class MapCodec
{
    private static Encoder BuildEncoder(BtfType node, string field, bool net)
    {
        BtfType t = node.Unqualified();
        switch (t.Kind)
        {
            case BtfKind.Typedef:
                BtfType target = t.Resolved();
                if (IsBigEndianTypedef(t.Name) && target.Kind == BtfKind.Int)
                    return BigEndianEncoder((int)target.Size, net);
                return BuildEncoder(t.Target!, field, net);
            case BtfKind.Int:
                int isize = (int)t.Size;
                bool signed = t.Signed;
                if (t.IsBool) return (v, b, o, path) => b[o] = ToBool(v, path) ? (byte)1 : (byte)0;
                bool isChar = t.IsChar && isize == 1;
                return (v, b, o, path) => WriteInteger(CharCode(v, isChar, signed), b, o, isize, signed,
                    bigEndian: false, path);
            case BtfKind.Enum:
            case BtfKind.Enum64:
                Dictionary<string, long> values = EnumValues(t)!;
                int esize = (int)t.Size;
                bool esigned = EnumIsSigned(t);
                return (v, b, o, path) =>
                {
                    System.Numerics.BigInteger n = EnumNumber(v, values, path);
                    CheckEnumRange(n, esize * 8, esigned, values, path);
                    WriteInteger(n, b, o, esize, esigned, bigEndian: false, path);
                };
            case BtfKind.Array:
                return ArrayEncoder(t, field, net);
            case BtfKind.Struct when NetworkTypes.IsIpv4Struct(t) || NetworkTypes.IsIpv6Struct(t):
                return AddressStructEncoder(t, StructEncoder(t, net));
            case BtfKind.Struct:
            case BtfKind.Union:
            case BtfKind.Datasec:
                return StructEncoder(t, net);
            case BtfKind.Float:
                return (v, b, o, path) =>
                {
                    double d = Convert.ToDouble(Unwrap(v), System.Globalization.CultureInfo.InvariantCulture);
                    if (t.Size == 4) BitConverter.TryWriteBytes(b.AsSpan(o),
                        (float)d); else BitConverter.TryWriteBytes(b.AsSpan(o), d);
                };
            default:
                int raw = (int)t.Size;
                return (v, b, o, path) => WriteBytes(v, b, o, raw, path);
        }
    }

    private static Encoder ArrayEncoder(BtfType t, string field, bool net)
    {
        BtfType element = t.Target!.Resolved();
        int count = (int)t.ArrayLength, stride = (int)element.Size;
        if (element.Kind == BtfKind.Int && element.Size == 1)
            return (v, b, o, path) =>
            {
                object? value = Unwrap(v);
                if (value is string s)
                {
                    ByteArrayText(s, field, net, count, path).CopyTo(b, o);
                    return;
                }
                // A char array that is no text reads as its bytes: they go back as they are, whatever the sign.
                if (value is byte[] bytes)
                {
                    WriteBytes(bytes, b, o, count, path);
                    return;
                }
                WriteArray(value, b, o, count, 1, path, (e, bb, oo, p) =>
                    WriteInteger(e, bb, oo, 1, element.Signed, false, p));
            };
        Encoder inner = BuildEncoder(t.Target!, field, net);
        bool address = IsBigEndianWordAddress(t, field, net);
        return (v, b, o, path) =>
        {
            if (TryWriteIpv6(v, b, o, count * stride))
                return;
            if (address && Unwrap(v) is string text)
                throw NetworkTypes.NotIpv6(path, text);
            WriteArray(Unwrap(v), b, o, count, stride, path, inner);
        };
    }

    private static void WriteArray(object? value, byte[] b, int o, int count, int stride, string path, Encoder element)
    {
        if (value is not IEnumerable items || value is string)
            throw FieldError(ErrorId.WrongShape, path, $"expects an array of {count} items.");
        int i = 0;
        foreach (object? item in items)
        {
            if (i == count)
                throw FieldError(ErrorId.ValueTooLarge, path, $"has room for {count} items.");
            element(item, b, o + i * stride, $"{path}[{i}]");
            i++;
        }
        // Fewer items would leave the rest zero: a padded array is not what was given, so it is refused too.
        if (i != count)
            throw FieldError(ErrorId.WrongSize, path, $"takes {count} items, not {i}.");
    }

    private static Encoder StructEncoder(BtfType t, bool net)
    {
        var members = Fields(t).Select(m => (m.Name, m.BitOffset, Bitfield: BitfieldOf(m.Member),
            Encode: BuildEncoder(m.Type, m.Name, net), m.Optional,
            Signed: m.Type.Resolved().Signed, EnumValues: EnumValues(m.Type.Resolved()))).ToArray();
        return (v, b, o, path) =>
        {
            IDictionary fields = Unwrap(v) as IDictionary
                ?? throw FieldError(ErrorId.WrongShape, path,
                    $"expects fields {string.Join(", ", members.Select(m => m.Name))} (a hashtable or an object).");
            var known = new HashSet<string>(members.Select(m => m.Name), StringComparer.OrdinalIgnoreCase);
            foreach (object key in fields.Keys)
                if (!known.Contains(key.ToString()!))
                    throw FieldError(ErrorId.UnknownField, Join(path, key.ToString()!),
                        $"is not a field; the fields are {string.Join(", ", known)}.");
            foreach (var m in members)
            {
                object? value = Find(fields, m.Name, out bool present);
                if (!present)
                {
                    if (m.Optional) continue;
                    throw FieldError(ErrorId.MissingField, Join(path, m.Name), "is missing.");
                }
                if (m.Bitfield is (int bitOffset, int bitSize))
                {
                    WriteBitfield(value, b, o, bitOffset, bitSize, m.Signed, m.EnumValues, Join(path, m.Name));
                    continue;
                }
                m.Encode(value, b, o + (int)(m.BitOffset / 8), Join(path, m.Name));
            }
        };
    }

    private static void WriteBitfield(object? value, byte[] b, int o, int bitOffset, int bitSize, bool signed,
        Dictionary<string, long>? enumValues, string path)
    {
        System.Numerics.BigInteger n = enumValues is not null ? EnumNumber(value, enumValues, path)
            : ParseInteger(value, path);
        if (enumValues is not null)
            CheckEnumRange(n, bitSize, signed || enumValues.Values.Any(e => e < 0), enumValues, path);
        else
            CheckRange(n, bitSize, signed, path);
        ulong v = (ulong)(n & ulong.MaxValue);
        for (int i = 0; i < bitSize; i++)
        {
            int bit = bitOffset + i;
            int index = o + bit / 8;
            byte mask = (byte)(1 << (bit % 8));
            b[index] = (v >> i & 1) != 0 ? (byte)(b[index] | mask) : (byte)(b[index] & ~mask);
        }
    }

    private static Dictionary<string, long>? EnumValues(BtfType t) =>
        t.Kind is BtfKind.Enum or BtfKind.Enum64
            ? t.Enumerators.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g =>
                g.First().Value, StringComparer.OrdinalIgnoreCase)
            : null;

    /// <summary>An enum value given by name (as Get returns it) or by number.</summary>
    private static System.Numerics.BigInteger EnumNumber(object? v, Dictionary<string, long> values, string path)
    {
        object? value = Unwrap(v);
        if (value is string name && !long.TryParse(name, out _)
            && !name.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return values.TryGetValue(name, out long n)
                ? n
                : throw FieldError(ErrorId.UnknownEnumValue, path,
                    $"'{name}' is not a value of this enum; it has {string.Join(", ", values.Keys)}.");
        return ParseInteger(value, path);
    }

    private static object? Find(IDictionary fields, string name, out bool present)
    {
        foreach (DictionaryEntry e in fields)
            if (string.Equals(e.Key.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                present = true;
                return e.Value;
            }
        present = false;
        return null;
    }

    internal static void WriteInteger(object? value, byte[] b, int o, int size, bool signed, bool bigEndian,
        string path)
    {
        value = Unwrap(value);
        if (value is byte[] bytes)
        {
            WriteBytes(bytes, b, o, size, path);
            return;
        }
        System.Numerics.BigInteger n = ParseInteger(value, path);
        CheckRange(n, size * 8, signed, path);
        byte[] le = (n < 0 ? n + (System.Numerics.BigInteger.One << (size * 8)) : n).ToByteArray(isUnsigned: true,
            isBigEndian: false);
        Span<byte> dest = b.AsSpan(o, size);
        dest.Clear();
        le.AsSpan(0, Math.Min(le.Length, size)).CopyTo(dest);
        if (bigEndian) dest.Reverse();
    }

    private static System.Numerics.BigInteger ParseInteger(object? value, string path)
    {
        value = Unwrap(value);
        try
        {
            return value switch
            {
                null => throw FieldError(ErrorId.MissingField, path, "has no value."),
                string s when s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) =>
                    System.Numerics.BigInteger.Parse("0" + s[2..], System.Globalization.NumberStyles.HexNumber),
                string s => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
                bool flag => flag ? 1 : 0,
                char c => c,
                System.Numerics.BigInteger big => big,
                float or double when Convert.ToDouble(value) is var d
                    && (double.IsNaN(d) || double.IsInfinity(d) || Math.Floor(d) != d)
                    => throw FieldError(ErrorId.WrongShape, path, $"expects a whole number, not {value}."),
                decimal m when decimal.Floor(m) != m => throw FieldError(ErrorId.WrongShape, path,
                    $"expects a whole number, not {value}."),
                IConvertible c =>
                    new System.Numerics.BigInteger(c.ToDecimal(System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw FieldError(ErrorId.WrongShape, path, $"expects a number, not {value.GetType().Name}."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
        {
            throw FieldError(ErrorId.WrongShape, path, $"expects a number, not '{value}'.");
        }
    }

    private static void CheckRange(System.Numerics.BigInteger n, int bits, bool signed, string path)
    {
        System.Numerics.BigInteger one = System.Numerics.BigInteger.One;
        System.Numerics.BigInteger min = signed ? -(one << (bits - 1)) : 0;
        System.Numerics.BigInteger max = signed ? (one << (bits - 1)) - 1 : (one << bits) - 1;
        if (n < min || n > max)
            throw FieldError(ErrorId.ValueOutOfRange, path,
                $"is {bits}-bit {(signed ? "signed" : "unsigned")}; {n} is outside {min}..{max}.");
    }

    private static void WriteBytes(object? value, byte[] b, int o, int size, string path)
    {
        if (Unwrap(value) is not byte[] bytes)
            throw FieldError(ErrorId.WrongShape, path, $"expects {size} bytes.");
        if (bytes.Length != size)
            throw FieldError(ErrorId.WrongSize, path, $"takes {size} bytes, not {bytes.Length}.");
        bytes.CopyTo(b, o);
    }

    /// <summary>
    /// Text for a byte array: a MAC for 6 bytes, an IPv6 address for 16, else ASCII text. Nothing is stored that
    /// means something else: text for a field read as a MAC or an address must be one, text that tries to be a MAC
    /// (hex groups with ':' or '-') must be a whole one, and characters outside ASCII are refused, not made '?'.
    /// </summary>
    private static byte[] ByteArrayText(string s, string field, bool net, int count, string path)
    {
        if (count == 6)
        {
            if (PhysicalAddressBytes(s) is byte[] mac)
                return mac;
            if ((net && NameHas(field, MacWords)) || LooksLikeMac(s))
                throw FieldError(ErrorId.InvalidMacAddress, path,
                    $"takes a MAC address such as 02:00:00:00:00:01, not '{s}'.");
        }
        if (count == 16)
        {
            byte[] ip6 = new byte[16];
            if (NetworkTypes.TryParseIpv6(s, ip6))
                return ip6;
            if (net && NameHas(field, AddressWords))
                throw NetworkTypes.NotIpv6(path, s);
        }
        foreach (char c in s)
            if (c > 0x7f)
                throw FieldError(ErrorId.TextNotAscii, path,
                    $"holds ASCII text; '{s}' has '{c}' (U+{(int)c:X4}), which is not ASCII.");
        byte[] text = Encoding.ASCII.GetBytes(s);
        if (text.Length > count)
            throw FieldError(ErrorId.ValueTooLarge, path, $"'{s}' needs {text.Length} bytes; the field holds {count}.");
        return text;
    }

    /// <summary>Six bytes from 02:00:00:00:00:01, 02-00-00-00-00-01 (1 or 2 hex digits each) or 020000000001.</summary>
    private static byte[]? PhysicalAddressBytes(string s)
    {
        string[] parts = s.Split(':', '-');
        if (parts.Length == 1)
            return s.Length == 12 && s.All(char.IsAsciiHexDigit) ? Convert.FromHexString(s) : null;
        if (parts.Length != 6 || parts.Any(p => p.Length is 0 or > 2 || !p.All(char.IsAsciiHexDigit)))
            return null;
        return parts.Select(p => Convert.ToByte(p, 16)).ToArray();
    }

    /// <summary>Hex groups joined by ':' or '-': meant as a MAC, whatever the field is called.</summary>
    private static bool LooksLikeMac(string s)
    {
        string[] parts = s.Split(':', '-');
        return parts.Length > 1 && parts.All(p => p.Length is 1 or 2 && p.All(char.IsAsciiHexDigit));
    }

    /// <summary>A _Bool takes true, false, 1 or 0 (as values or text); anything else would be a guess.</summary>
    private static bool ToBool(object? v, string path)
    {
        object? value = Unwrap(v);
        switch (value)
        {
            case bool flag:
                return flag;
            case string s when s.Trim().ToLowerInvariant() is "true" or "1" or "$true":
                return true;
            case string s when s.Trim().ToLowerInvariant() is "false" or "0" or "$false":
                return false;
            case string:
                break;
            case IConvertible c when value is not char:
                try
                {
                    decimal d = c.ToDecimal(System.Globalization.CultureInfo.InvariantCulture);
                    if (d is 0 or 1) return d == 1;
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                }
                break;
        }
        throw FieldError(ErrorId.WrongShape, path, $"is a _Bool; '{value}' is not one. Accepted: true, false, 1, 0.");
    }
}
