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

internal delegate object? Decoder(byte[] buffer, int offset);
internal delegate void Encoder(object? value, byte[] buffer, int offset, string path);

/// <summary>
/// Turns a map's key or value bytes into objects with the C field names and back, following the BTF.
/// The codec is built once per type as a tree of delegates, so reading a million entries interprets
/// no type information per entry.
///
/// Network readability rule (switch it off with NetworkFormat = false), by BTF type first: a __be32 typedef and
/// struct in_addr read as IPv4 addresses, struct in6_addr as one IPv6 address (whichever union view), __be16
/// and __be64 as numbers in host order (what ntohs gives). Arrays that are addresses only by use go by the field's
/// name (never the map's): 16 bytes, four __be32 or eight __be16 named like an address (addr, src, dst, ip, gw,
/// nexthop) read as IPv6, and a 6-byte array named like a MAC (mac, addr, h_source, h_dest, ether) as a MAC.
/// Writing accepts every form reading prints, and numbers; text that is not the field's form is refused.
/// </summary>
internal sealed partial class MapCodec
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
            KeepsUnsetBytes = type.Resolved().Kind == BtfKind.Datasec,
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
                    if (net && size == 4)
                        return AddressText.Ipv4;
                    return size switch
                    {
                        2 => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(o))),
                        4 => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(o))),
                        _ => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(o))),
                    };
                }
                return BuildDecoder(t.Target!, field, net);
            case BtfKind.Int:
                return IntDecoder(t);
            case BtfKind.Enum:
            case BtfKind.Enum64:
                var names = t.Enumerators.GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.First().Name);
                int enumSize = (int)t.Size;
                bool enumSigned = EnumIsSigned(t);
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
            case BtfKind.Struct when net && NetworkTypes.IsIpv4Struct(t):
                return AddressText.Ipv4;
            case BtfKind.Struct when net && NetworkTypes.IsIpv6Struct(t):
                return NetworkTypes.Ipv6;
            case BtfKind.Struct:
            case BtfKind.Union:
            case BtfKind.Datasec:
                return RecordDecoder(t, net);
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
        bool signed = type.Kind is BtfKind.Enum or BtfKind.Enum64 ? EnumIsSigned(type) : type.Signed;
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
                return NetworkTypes.Ipv6;
            if (element.IsChar || element.Name == "char")
                return (b, o) => Text(b, o, count) ?? (object)b.AsSpan(o, count).ToArray();
            return (b, o) => b.AsSpan(o, count).ToArray();
        }
        if (IsBigEndianWordAddress(t, field, net))
            return NetworkTypes.Ipv6;
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
        if (t.IsBool) return (b, o) => BoxedNumbers.Of(b[o] != 0);
        if (t.IsChar && t.Size == 1) return (b, o) => (char)b[o];
        return (t.Size, t.Signed) switch
        {
            (1, false) => (b, o) => BoxedNumbers.Of(b[o]),
            (1, true) => (b, o) => (sbyte)b[o],
            (2, false) => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(o))),
            (2, true) => (b, o) => BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(o)),
            (4, false) => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o))),
            (4, true) => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(o))),
            (8, false) => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(o))),
            (8, true) => (b, o) => BoxedNumbers.Of(BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(o))),
            (16, bool signed) => (b, o) => new System.Numerics.BigInteger(b.AsSpan(o, 16), isUnsigned: !signed),
            _ => (b, o) => Hex(b, o, (int)t.Size),
        };
    }

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
