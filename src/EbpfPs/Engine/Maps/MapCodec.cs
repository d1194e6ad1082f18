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

namespace EbpfPs.Engine.Maps;

internal delegate object? Decoder(byte[] buffer, int offset);
internal delegate void Encoder(object? value, byte[] buffer, int offset, string path);

/// <summary>
/// Turns a map's key or value bytes into objects with the C field names and back, following the BTF.
/// The codec is built once per type as a tree of delegates, so reading a million entries interprets
/// no type information per entry.
///
/// Network readability rule (switch it off with NetworkFormat = false): a 4-byte big-endian field
/// (__be32) whose name mentions an address (addr, src, dst, saddr, daddr, ip, gw, nexthop) reads as an
/// IPv4 address, a 16-byte one as IPv6, and a 6-byte array whose name mentions mac, addr, h_source,
/// h_dest, smac, dmac or ether reads as a MAC address. Other __be16/__be32/__be64 values read as numbers
/// in host order. Writing accepts both forms.
/// </summary>
internal sealed class MapCodec
{
    private static readonly string[] AddressWords = { "addr", "src", "dst", "ip", "gw", "nexthop" };
    private static readonly string[] MacWords = { "mac", "addr", "h_source", "h_dest", "ether" };

    private MapCodec(Decoder decode, Encoder encode, int size)
    {
        Decode = decode;
        Encode = encode;
        Size = size;
    }

    public Decoder Decode { get; }
    public Encoder Encode { get; }
    public int Size { get; }

    public static MapCodec Build(BtfType type, string name, bool networkFormat) =>
        new(BuildDecoder(type, name, networkFormat), BuildEncoder(type, name, networkFormat), (int)type.Size)
        {
            SumOffsets = SummableOffsets(type),
        };

    /// <summary>
    /// Offsets of the value's 64-bit integer fields when those are all the numbers it has: per-CPU
    /// values of such types are summed in their bytes and decoded once, instead of decoded per CPU.
    /// Null when some number is narrower, a bitfield, an enum or big-endian (those are summed decoded).
    /// </summary>
    public int[]? SumOffsets { get; private init; }

    private static int[]? SummableOffsets(BtfType type)
    {
        var offsets = new List<int>();
        bool Walk(BtfType node, int offset)
        {
            BtfType t = node.Unqualified();
            if (t.Kind == BtfKind.Typedef)
                return !IsBigEndianTypedef(t.Name) && Walk(t.Target!, offset);
            switch (t.Kind)
            {
                case BtfKind.Int:
                    if (t.Size != 8 || t.IsBool || t.IsChar) return t.Size == 1 && t.IsChar;
                    offsets.Add(offset);
                    return true;
                case BtfKind.Struct:
                    foreach (var m in t.Members)
                        if (m.BitSize != 0 || m.BitOffset % 8 != 0 || !Walk(m.Type, offset + (int)(m.BitOffset / 8)))
                            return false;
                    return true;
                case BtfKind.Array:
                    BtfType e = t.Target!.Resolved();
                    if (e.Kind == BtfKind.Int && e.Size == 1) return true; // text or bytes: CPU 0's
                    for (int i = 0; i < t.ArrayLength; i++)
                        if (!Walk(t.Target!, offset + i * (int)e.Size)) return false;
                    return true;
                default:
                    return false;
            }
        }
        return Walk(type, 0) && offsets.Count > 0 ? offsets.ToArray() : null;
    }

    /// <summary>
    /// For maps without BTF: an integer for 1, 2, 4 and 8 bytes, hex otherwise (memory order, as
    /// bpftool prints bytes). Writing takes the same forms back, or bytes.
    /// </summary>
    public static MapCodec Raw(int size) => new(
        (b, o) => size switch
        {
            1 => b[o],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o)),
            _ => Hex(b, o, size),
        },
        (v, b, o, path) =>
        {
            if (size is not (1 or 2 or 4 or 8) && Unwrap(v) is string hex)
                WriteBytes(HexBytes(hex, size, path), b, o, size, path);
            else
                WriteInteger(v, b, o, size, signed: false, bigEndian: false, path);
        },
        size)
    { IsRaw = true };

    /// <summary>True for maps without BTF, whose bytes are also shown as hex.</summary>
    public bool IsRaw { get; private init; }

    private static byte[] HexBytes(string text, int size, string path)
    {
        string hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        hex = hex.Replace(" ", "").Replace(":", "");
        try
        {
            return hex.Length == size * 2 ? Convert.FromHexString(hex)
                : throw FieldError(ErrorId.WrongSize, path,
                    $"takes {size} bytes ({size * 2} hex digits), not {hex.Length} digits.");
        }
        catch (FormatException)
        {
            throw FieldError(ErrorId.WrongShape, path, $"expects {size} bytes as hex digits, not '{text}'.");
        }
    }

    public static string Hex(byte[] b, int offset, int length) =>
        Convert.ToHexString(b, offset, length).ToLowerInvariant();

    private static Decoder BuildDecoder(BtfType node, string field, bool net)
    {
        BtfType t = node.Unqualified();
        switch (t.Kind)
        {
            case BtfKind.Typedef:
                bool bigEndian = IsBigEndianTypedef(t.Name);
                BtfType target = t.Resolved();
                if (bigEndian && target.Kind == BtfKind.Int)
                {
                    int size = (int)target.Size;
                    if (net && size == 4 && NameHas(field, AddressWords))
                        return (b, o) => new IPAddress(b.AsSpan(o, 4)).ToString();
                    return size switch
                    {
                        2 => (b, o) => BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(o)),
                        4 => (b, o) => BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(o)),
                        _ => (b, o) => BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(o)),
                    };
                }
                return BuildDecoder(t.Target!, field, net);
            case BtfKind.Int:
                return IntDecoder(t);
            case BtfKind.Enum:
            case BtfKind.Enum64:
                var names = t.Enumerators.GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.First().Name);
                int enumSize = (int)t.Size;
                bool enumSigned = t.Signed;
                return (b, o) =>
                {
                    long v = ReadLong(b, o, enumSize, enumSigned);
                    return names.TryGetValue(v, out string? n) ? n : v;
                };
            case BtfKind.Float:
                return t.Size == 4 ? (b, o) => BitConverter.ToSingle(b, o) : (b, o) => BitConverter.ToDouble(b, o);
            case BtfKind.Ptr:
                return (b, o) => "0x" + BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o)).ToString("x");
            case BtfKind.Array:
                return ArrayDecoder(t, field, net);
            case BtfKind.Struct:
            case BtfKind.Union:
                string[] fieldNames = t.Members.Select(m => m.Name).ToArray();
                Decoder[] decoders = t.Members.Select(m => MemberDecoder(m, net)).ToArray();
                return (b, o) =>
                {
                    var values = new object?[decoders.Length];
                    for (int i = 0; i < decoders.Length; i++)
                        values[i] = decoders[i](b, o);
                    return new BpfRecord(fieldNames, values);
                };
            default:
                int raw = (int)t.Size;
                return (b, o) => Hex(b, o, raw);
        }
    }

    private static Decoder MemberDecoder((string Name, BtfType Type, uint BitOffset, uint BitSize) m, bool net)
    {
        if (BitfieldOf(m) is not (int bitOffset, int bitSize))
        {
            int byteOffset = (int)(m.BitOffset / 8);
            Decoder inner = BuildDecoder(m.Type, m.Name, net);
            return (b, o) => inner(b, o + byteOffset);
        }
        BtfType type = m.Type.Resolved();
        bool signed = type.Signed;
        Dictionary<long, string>? names = type.Kind is BtfKind.Enum or BtfKind.Enum64
            ? type.Enumerators.GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.First().Name)
            : null;
        int start = bitOffset / 8, shift = bitOffset % 8, bytes = (shift + bitSize + 7) / 8;
        ulong mask = bitSize == 64 ? ulong.MaxValue : (1UL << bitSize) - 1;
        return (b, o) =>
        {
            // Up to nine bytes when a 64-bit field does not start on a byte boundary: UInt128 holds them.
            UInt128 word = 0;
            for (int i = 0; i < bytes; i++)
                word |= (UInt128)b[o + start + i] << (8 * i);
            ulong bits = (ulong)(word >> shift) & mask;
            long value = signed && bitSize < 64 && (bits >> (bitSize - 1) & 1) != 0 ? (long)(bits | ~mask) : (long)bits;
            if (names is not null)
                return names.TryGetValue(value, out string? name) ? name : value;
            return signed ? value : bits;
        };
    }

    /// <summary>
    /// Where a member's bits are, if it is a bitfield: from the member (BTF with kind_flag) or, in
    /// older BTF, from the int type's own offset and bit count.
    /// </summary>
    private static (int BitOffset, int BitSize)? BitfieldOf((string Name, BtfType Type, uint BitOffset, uint BitSize) m)
    {
        if (m.BitSize != 0)
            return ((int)m.BitOffset, (int)m.BitSize);
        BtfType t = m.Type.Resolved();
        bool narrowInt = t.Kind == BtfKind.Int && t.IntBits != 0 && (t.IntBits != t.Size * 8 || t.IntOffset != 0);
        if (narrowInt)
            return ((int)m.BitOffset + t.IntOffset, t.IntBits);
        return m.BitOffset % 8 != 0 ? ((int)m.BitOffset, (int)t.Size * 8) : null;
    }

    private static Decoder ArrayDecoder(BtfType t, string field, bool net)
    {
        BtfType element = t.Target!.Resolved();
        int count = (int)t.ArrayLength;
        int stride = (int)element.Size;
        if (element.Kind == BtfKind.Int && element.Size == 1)
        {
            if (net && count == 6 && NameHas(field, MacWords))
                return (b, o) => string.Join(":", Enumerable.Range(0, 6).Select(i => b[o + i].ToString("x2")));
            if (net && count == 16 && NameHas(field, AddressWords))
                return (b, o) => new IPAddress(b.AsSpan(o, 16)).ToString();
            if (element.IsChar || element.Name == "char")
                return (b, o) => Text(b, o, count) ?? (object)b.AsSpan(o, count).ToArray();
            return (b, o) => b.AsSpan(o, count).ToArray();
        }
        Decoder inner = BuildDecoder(t.Target!, field, net);
        return (b, o) =>
        {
            var items = new object?[count];
            for (int i = 0; i < count; i++)
                items[i] = inner(b, o + i * stride);
            return items;
        };
    }

    /// <summary>Char arrays read as text when everything up to the first NUL is printable ASCII.</summary>
    private static string? Text(byte[] b, int o, int count)
    {
        int end = Array.IndexOf(b, (byte)0, o, count);
        int len = (end < 0 ? o + count : end) - o;
        for (int i = o; i < o + len; i++)
            if (b[i] < 0x20 || b[i] > 0x7e) return null;
        for (int i = o + len; i < o + count; i++)
            if (b[i] != 0) return null;
        return Encoding.ASCII.GetString(b, o, len);
    }

    private static Decoder IntDecoder(BtfType t)
    {
        if (t.IsBool) return (b, o) => b[o] != 0;
        if (t.IsChar && t.Size == 1) return (b, o) => (char)b[o];
        return (t.Size, t.Signed) switch
        {
            (1, false) => (b, o) => b[o],
            (1, true) => (b, o) => (sbyte)b[o],
            (2, false) => (b, o) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o)),
            (2, true) => (b, o) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(o)),
            (4, false) => (b, o) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)),
            (4, true) => (b, o) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(o)),
            (8, false) => (b, o) => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o)),
            (8, true) => (b, o) => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(o)),
            (16, bool signed) => (b, o) => new System.Numerics.BigInteger(b.AsSpan(o, 16), isUnsigned: !signed),
            _ => (b, o) => Hex(b, o, (int)t.Size),
        };
    }

    private static Encoder BuildEncoder(BtfType node, string field, bool net)
    {
        BtfType t = node.Unqualified();
        switch (t.Kind)
        {
            case BtfKind.Typedef:
                BtfType target = t.Resolved();
                if (IsBigEndianTypedef(t.Name) && target.Kind == BtfKind.Int)
                {
                    int size = (int)target.Size;
                    return (v, b, o, path) =>
                    {
                        if (Unwrap(v) is string s && IPAddress.TryParse(s, out IPAddress? ip)
                            && ip.GetAddressBytes().Length == size)
                            ip.GetAddressBytes().CopyTo(b, o);
                        else
                            WriteInteger(v, b, o, size, signed: false, bigEndian: true, path);
                    };
                }
                return BuildEncoder(t.Target!, field, net);
            case BtfKind.Int:
                int isize = (int)t.Size;
                bool signed = t.Signed;
                if (t.IsBool) return (v, b, o, path) => b[o] = ToBool(v, path) ? (byte)1 : (byte)0;
                return (v, b, o, path) => WriteInteger(v is char c ? (int)c : v, b, o, isize, signed,
                    bigEndian: false, path);
            case BtfKind.Enum:
            case BtfKind.Enum64:
                Dictionary<string, long> values = EnumValues(t)!;
                int esize = (int)t.Size;
                return (v, b, o, path) =>
                {
                    // Older BTF does not say whether an enum is signed: take either reading of its size.
                    System.Numerics.BigInteger n = EnumNumber(v, values, path);
                    WriteInteger(n, b, o, esize, signed: n < 0, bigEndian: false, path);
                };
            case BtfKind.Array:
                return ArrayEncoder(t, field, net);
            case BtfKind.Struct:
            case BtfKind.Union:
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
                    if (count == 6 && PhysicalAddressBytes(s) is byte[] mac) { mac.CopyTo(b, o); return; }
                    if (count == 16 && IPAddress.TryParse(s, out IPAddress? ip6)
                        && ip6.GetAddressBytes().Length == 16) { ip6.GetAddressBytes().CopyTo(b, o); return; }
                    byte[] text = Encoding.ASCII.GetBytes(s);
                    if (text.Length > count)
                        throw FieldError(ErrorId.ValueTooLarge, path,
                            $"'{s}' needs {text.Length} bytes; the field holds {count}.");
                    text.CopyTo(b, o);
                    return;
                }
                WriteArray(value, b, o, count, 1, path, (e, bb, oo, p) =>
                    WriteInteger(e, bb, oo, 1, element.Signed, false, p));
            };
        Encoder inner = BuildEncoder(t.Target!, field, net);
        return (v, b, o, path) => WriteArray(Unwrap(v), b, o, count, stride, path, inner);
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
    }

    private static Encoder StructEncoder(BtfType t, bool net)
    {
        var members = t.Members.Select(m => (m.Name, m.BitOffset, Bitfield: BitfieldOf(m),
            Encode: BuildEncoder(m.Type, m.Name, net),
            Signed: m.Type.Resolved().Signed, EnumValues: EnumValues(m.Type.Resolved()))).ToArray();
        bool union = t.Kind == BtfKind.Union;
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
                    if (union) continue;
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

    private static byte[]? PhysicalAddressBytes(string s)
    {
        string hex = s.Replace(":", "").Replace("-", "");
        if (hex.Length != 12) return null;
        try { return Convert.FromHexString(hex); }
        catch (FormatException) { return null; }
    }

    private static bool ToBool(object? v, string path) => Unwrap(v) switch
    {
        bool flag => flag,
        IConvertible c => c.ToInt64(null) != 0,
        _ => throw FieldError(ErrorId.WrongShape, path, "expects true or false."),
    };

    private static long ReadLong(byte[] b, int o, int size, bool signed) => size switch
    {
        1 => signed ? (sbyte)b[o] : b[o],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(o))
            : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o)),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(o))
            : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)),
        _ => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(o)),
    };

    /// <summary>
    /// Values arrive as plain .NET objects (the cmdlet layer unwraps PowerShell's); a 1-element array of a scalar is
    /// that scalar.
    /// </summary>
    private static object? Unwrap(object? v) => v is object?[] { Length: 1 } one && one[0] is not IEnumerable
        ? one[0] : v;

    private static bool IsBigEndianTypedef(string name) =>
        name is "__be16" or "__be32" or "__be64" or "be16" or "be32" or "be64";

    private static bool NameHas(string field, string[] words) =>
        words.Any(w => field.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    internal static BpfException FieldError(string errorId, string path, string what) =>
        new(errorId, $"{(path.Length == 0 ? "The value" : $"Field '{path}'")} {what}", path);
}
