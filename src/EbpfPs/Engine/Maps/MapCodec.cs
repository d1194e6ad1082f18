using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;

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

    public static MapCodec Build(BtfNode type, string name, bool networkFormat) =>
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

    private static int[]? SummableOffsets(BtfNode type)
    {
        var offsets = new List<int>();
        bool Walk(BtfNode node, int offset)
        {
            BtfNode t = node.Unqualified();
            if (t.Kind == BtfTypeNames.KindTypedef)
                return !IsBigEndianTypedef(t.Name) && Walk(t.Target!, offset);
            switch (t.Kind)
            {
                case BtfTypeNames.KindInt:
                    if (t.Size != 8 || t.IsBool || t.IsChar) return t.Size == 1 && t.IsChar;
                    offsets.Add(offset);
                    return true;
                case BtfTypeNames.KindStruct:
                    foreach (var m in t.Members)
                        if (m.BitSize != 0 || m.BitOffset % 8 != 0 || !Walk(m.Type, offset + (int)(m.BitOffset / 8)))
                            return false;
                    return true;
                case BtfTypeNames.KindArray:
                    BtfNode e = t.Target!.Resolved();
                    if (e.Kind == BtfTypeNames.KindInt && e.Size == 1) return true; // text or bytes: CPU 0's
                    for (int i = 0; i < t.ArrayLength; i++)
                        if (!Walk(t.Target!, offset + i * (int)e.Size)) return false;
                    return true;
                default:
                    return false;
            }
        }
        return Walk(type, 0) && offsets.Count > 0 ? offsets.ToArray() : null;
    }

    /// <summary>For maps without BTF: an integer for 1, 2, 4 and 8 bytes, hex otherwise.</summary>
    public static MapCodec Raw(int size) => new(
        (b, o) => size switch
        {
            1 => b[o],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o)),
            _ => Hex(b, o, size),
        },
        (v, b, o, path) => WriteInteger(v, b, o, size, signed: false, bigEndian: false, path),
        size);

    public static string Hex(byte[] b, int offset, int length) => Convert.ToHexString(b, offset, length).ToLowerInvariant();

    private static Decoder BuildDecoder(BtfNode node, string field, bool net)
    {
        BtfNode t = node.Unqualified();
        switch (t.Kind)
        {
            case BtfTypeNames.KindTypedef:
                bool bigEndian = IsBigEndianTypedef(t.Name);
                BtfNode target = t.Resolved();
                if (bigEndian && target.Kind == BtfTypeNames.KindInt)
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
            case BtfTypeNames.KindInt:
                return IntDecoder(t);
            case BtfTypeNames.KindEnum:
            case BtfTypeNames.KindEnum64:
                var names = t.Enumerators.GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.First().Name);
                int enumSize = (int)t.Size;
                bool enumSigned = t.Signed;
                return (b, o) =>
                {
                    long v = ReadLong(b, o, enumSize, enumSigned);
                    return names.TryGetValue(v, out string? n) ? n : v;
                };
            case BtfTypeNames.KindFloat:
                return t.Size == 4 ? (b, o) => BitConverter.ToSingle(b, o) : (b, o) => BitConverter.ToDouble(b, o);
            case BtfTypeNames.KindPtr:
                return (b, o) => "0x" + BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o)).ToString("x");
            case BtfTypeNames.KindArray:
                return ArrayDecoder(t, field, net);
            case BtfTypeNames.KindStruct:
            case BtfTypeNames.KindUnion:
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

    private static Decoder MemberDecoder((string Name, BtfNode Type, uint BitOffset, uint BitSize) m, bool net)
    {
        int byteOffset = (int)(m.BitOffset / 8);
        if (m.BitSize == 0 && m.BitOffset % 8 == 0)
        {
            Decoder inner = BuildDecoder(m.Type, m.Name, net);
            return (b, o) => inner(b, o + byteOffset);
        }
        // A bitfield: read the bits out of the enclosing little-endian storage.
        int bitSize = (int)(m.BitSize == 0 ? m.Type.Unqualified().Size * 8 : m.BitSize);
        int shift = (int)(m.BitOffset % 8);
        return (b, o) =>
        {
            ulong word = 0;
            int bytes = (shift + bitSize + 7) / 8;
            for (int i = 0; i < bytes && o + byteOffset + i < b.Length; i++)
                word |= (ulong)b[o + byteOffset + i] << (8 * i);
            return (word >> shift) & (bitSize == 64 ? ulong.MaxValue : (1UL << bitSize) - 1);
        };
    }

    private static Decoder ArrayDecoder(BtfNode t, string field, bool net)
    {
        BtfNode element = t.Target!.Resolved();
        int count = (int)t.ArrayLength;
        int stride = (int)element.Size;
        if (element.Kind == BtfTypeNames.KindInt && element.Size == 1)
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

    private static Decoder IntDecoder(BtfNode t)
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

    private static Encoder BuildEncoder(BtfNode node, string field, bool net)
    {
        BtfNode t = node.Unqualified();
        switch (t.Kind)
        {
            case BtfTypeNames.KindTypedef:
                BtfNode target = t.Resolved();
                if (IsBigEndianTypedef(t.Name) && target.Kind == BtfTypeNames.KindInt)
                {
                    int size = (int)target.Size;
                    return (v, b, o, path) =>
                    {
                        if (Unwrap(v) is string s && IPAddress.TryParse(s, out IPAddress? ip) && ip.GetAddressBytes().Length == size)
                            ip.GetAddressBytes().CopyTo(b, o);
                        else
                            WriteInteger(v, b, o, size, signed: false, bigEndian: true, path);
                    };
                }
                return BuildEncoder(t.Target!, field, net);
            case BtfTypeNames.KindInt:
                int isize = (int)t.Size;
                bool signed = t.Signed;
                if (t.IsBool) return (v, b, o, path) => b[o] = ToBool(v, path) ? (byte)1 : (byte)0;
                return (v, b, o, path) => WriteInteger(v is char c ? (int)c : v, b, o, isize, signed, bigEndian: false, path);
            case BtfTypeNames.KindEnum:
            case BtfTypeNames.KindEnum64:
                var values = t.Enumerators.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
                int esize = (int)t.Size;
                return (v, b, o, path) =>
                {
                    object? value = Unwrap(v);
                    if (value is string name && !long.TryParse(name, out _))
                    {
                        if (!values.TryGetValue(name, out long n))
                            throw FieldError("UnknownEnumValue", path, $"'{name}' is not a value of this enum; it has {string.Join(", ", values.Keys)}.");
                        value = n;
                    }
                    WriteInteger(value, b, o, esize, signed: true, bigEndian: false, path);
                };
            case BtfTypeNames.KindArray:
                return ArrayEncoder(t, field, net);
            case BtfTypeNames.KindStruct:
            case BtfTypeNames.KindUnion:
                return StructEncoder(t, net);
            case BtfTypeNames.KindFloat:
                return (v, b, o, path) =>
                {
                    double d = Convert.ToDouble(Unwrap(v), System.Globalization.CultureInfo.InvariantCulture);
                    if (t.Size == 4) BitConverter.TryWriteBytes(b.AsSpan(o), (float)d); else BitConverter.TryWriteBytes(b.AsSpan(o), d);
                };
            default:
                int raw = (int)t.Size;
                return (v, b, o, path) => WriteBytes(v, b, o, raw, path);
        }
    }

    private static Encoder ArrayEncoder(BtfNode t, string field, bool net)
    {
        BtfNode element = t.Target!.Resolved();
        int count = (int)t.ArrayLength, stride = (int)element.Size;
        if (element.Kind == BtfTypeNames.KindInt && element.Size == 1)
            return (v, b, o, path) =>
            {
                object? value = Unwrap(v);
                if (value is string s)
                {
                    if (count == 6 && PhysicalAddressBytes(s) is byte[] mac) { mac.CopyTo(b, o); return; }
                    if (count == 16 && IPAddress.TryParse(s, out IPAddress? ip6) && ip6.GetAddressBytes().Length == 16) { ip6.GetAddressBytes().CopyTo(b, o); return; }
                    byte[] text = Encoding.ASCII.GetBytes(s);
                    if (text.Length > count)
                        throw FieldError("ValueTooLarge", path, $"'{s}' needs {text.Length} bytes; the field holds {count}.");
                    text.CopyTo(b, o);
                    return;
                }
                WriteArray(value, b, o, count, 1, path, (e, bb, oo, p) => WriteInteger(e, bb, oo, 1, element.Signed, false, p));
            };
        Encoder inner = BuildEncoder(t.Target!, field, net);
        return (v, b, o, path) => WriteArray(Unwrap(v), b, o, count, stride, path, inner);
    }

    private static void WriteArray(object? value, byte[] b, int o, int count, int stride, string path, Encoder element)
    {
        if (value is not IEnumerable items || value is string)
            throw FieldError("WrongShape", path, $"expects an array of {count} items.");
        int i = 0;
        foreach (object? item in items)
        {
            if (i == count)
                throw FieldError("ValueTooLarge", path, $"has room for {count} items.");
            element(item, b, o + i * stride, $"{path}[{i}]");
            i++;
        }
    }

    private static Encoder StructEncoder(BtfNode t, bool net)
    {
        var members = t.Members.Select(m => (m.Name, m.BitOffset, m.BitSize, Encode: BuildEncoder(m.Type, m.Name, net), Size: (int)m.Type.Unqualified().Size)).ToArray();
        bool union = t.Kind == BtfTypeNames.KindUnion;
        return (v, b, o, path) =>
        {
            IDictionary fields = Unwrap(v) as IDictionary
                ?? throw FieldError("WrongShape", path, $"expects fields {string.Join(", ", members.Select(m => m.Name))} (a hashtable or an object).");
            var known = new HashSet<string>(members.Select(m => m.Name), StringComparer.OrdinalIgnoreCase);
            foreach (object key in fields.Keys)
                if (!known.Contains(key.ToString()!))
                    throw FieldError("UnknownField", Join(path, key.ToString()!), $"is not a field; the fields are {string.Join(", ", known)}.");
            foreach (var m in members)
            {
                object? value = Find(fields, m.Name, out bool present);
                if (!present)
                {
                    if (union) continue;
                    throw FieldError("MissingField", Join(path, m.Name), "is missing.");
                }
                if (m.BitSize != 0 || m.BitOffset % 8 != 0)
                {
                    WriteBitfield(value, b, o, m.BitOffset, m.BitSize == 0 ? (uint)m.Size * 8 : m.BitSize, Join(path, m.Name));
                    continue;
                }
                m.Encode(value, b, o + (int)(m.BitOffset / 8), Join(path, m.Name));
            }
        };
    }

    private static void WriteBitfield(object? value, byte[] b, int o, uint bitOffset, uint bitSize, string path)
    {
        ulong v = ToUInt64(value, path);
        if (bitSize < 64 && v >> (int)bitSize != 0)
            throw FieldError("ValueOutOfRange", path, $"holds {bitSize} bits; {v} does not fit.");
        for (uint i = 0; i < bitSize; i++)
        {
            uint bit = bitOffset + i;
            int index = o + (int)(bit / 8);
            byte mask = (byte)(1 << (int)(bit % 8));
            b[index] = (v >> (int)i & 1) != 0 ? (byte)(b[index] | mask) : (byte)(b[index] & ~mask);
        }
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

    internal static void WriteInteger(object? value, byte[] b, int o, int size, bool signed, bool bigEndian, string path)
    {
        value = Unwrap(value);
        if (value is byte[] bytes)
        {
            WriteBytes(bytes, b, o, size, path);
            return;
        }
        System.Numerics.BigInteger n;
        try
        {
            n = value switch
            {
                null => throw FieldError("MissingField", path, "has no value."),
                string s when s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) => System.Numerics.BigInteger.Parse("0" + s[2..], System.Globalization.NumberStyles.HexNumber),
                string s => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
                bool flag => flag ? 1 : 0,
                System.Numerics.BigInteger big => big,
                IConvertible c => new System.Numerics.BigInteger(c.ToDecimal(System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw FieldError("WrongShape", path, $"expects a number, not {value.GetType().Name}."),
            };
        }
        catch (FormatException)
        {
            throw FieldError("WrongShape", path, $"expects a number, not '{value}'.");
        }
        System.Numerics.BigInteger min = signed ? -(System.Numerics.BigInteger.One << (size * 8 - 1)) : 0;
        System.Numerics.BigInteger max = signed ? (System.Numerics.BigInteger.One << (size * 8 - 1)) - 1 : (System.Numerics.BigInteger.One << (size * 8)) - 1;
        if (n < min || n > max)
            throw FieldError("ValueOutOfRange", path, $"is {size * 8}-bit {(signed ? "signed" : "unsigned")}; {n} is outside {min}..{max}.");
        byte[] le = (n < 0 ? n + (System.Numerics.BigInteger.One << (size * 8)) : n).ToByteArray(isUnsigned: true, isBigEndian: false);
        Span<byte> dest = b.AsSpan(o, size);
        dest.Clear();
        le.AsSpan(0, Math.Min(le.Length, size)).CopyTo(dest);
        if (bigEndian) dest.Reverse();
    }

    private static void WriteBytes(object? value, byte[] b, int o, int size, string path)
    {
        if (Unwrap(value) is not byte[] bytes)
            throw FieldError("WrongShape", path, $"expects {size} bytes.");
        if (bytes.Length != size)
            throw FieldError("WrongSize", path, $"takes {size} bytes, not {bytes.Length}.");
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
        _ => throw FieldError("WrongShape", path, "expects true or false."),
    };

    private static ulong ToUInt64(object? v, string path)
    {
        byte[] tmp = new byte[8];
        WriteInteger(v, tmp, 0, 8, signed: false, bigEndian: false, path);
        return BitConverter.ToUInt64(tmp);
    }

    private static long ReadLong(byte[] b, int o, int size, bool signed) => size switch
    {
        1 => signed ? (sbyte)b[o] : b[o],
        2 => signed ? BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(o)) : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o)),
        4 => signed ? BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(o)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o)),
        _ => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(o)),
    };

    /// <summary>Values arrive as plain .NET objects (the cmdlet layer unwraps PowerShell's); a 1-element array of a scalar is that scalar.</summary>
    private static object? Unwrap(object? v) => v is object?[] { Length: 1 } one && one[0] is not IEnumerable ? one[0] : v;

    private static bool IsBigEndianTypedef(string name) => name is "__be16" or "__be32" or "__be64" or "be16" or "be32" or "be64";

    private static bool NameHas(string field, string[] words) =>
        words.Any(w => field.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    internal static BpfException FieldError(string errorId, string path, string what) =>
        new(errorId, errorId is "ValueOutOfRange" or "ValueTooLarge" or "WrongSize" ? BpfErrorKind.InvalidArgument : BpfErrorKind.InvalidData,
            $"{(path.Length == 0 ? "The value" : $"Field '{path}'")} {what}", path);
}
