using System.Threading;

namespace EbpfPs.Engine.Maps.Codec;

/// <summary>
/// Shared boxes for the numbers map fields hold most: every byte, every 16-bit value (ports, protocol numbers,
/// VLAN ids) and small counters. A million decoded flow keys otherwise box their ports and protocol a million
/// times each, and that garbage slows the reader and the pipeline alike. Boxes are immutable, so sharing one is
/// safe; a cache slot is filled at first use, and two threads filling it at once just box twice.
/// </summary>
internal static class BoxedNumbers
{
    private const int SmallLimit = 256;
    private static readonly object[] Bytes = Fill<byte>(b => b);
    private static readonly object?[] Words = new object?[65536];
    private static readonly object[] SmallUInts = Fill<uint>(i => i);
    private static readonly object[] SmallULongs = Fill<ulong>(i => i);
    private static readonly object[] SmallInts = Fill<int>(i => i);
    private static readonly object[] SmallLongs = Fill<long>(i => i);
    public static readonly object True = true, False = false;

    public static object Of(byte value) => Bytes[value];

    public static object Of(ushort value) => Words[value] ?? Fill(ref Words[value], value);

    public static object Of(uint value) => value < SmallLimit ? SmallUInts[value] : value;

    public static object Of(ulong value) => value < SmallLimit ? SmallULongs[value] : value;

    public static object Of(int value) => (uint)value < SmallLimit ? SmallInts[value] : value;

    public static object Of(long value) => (ulong)value < SmallLimit ? SmallLongs[value] : value;

    public static object Of(bool value) => value ? True : False;

    private static object Fill(ref object? slot, ushort value)
    {
        object boxed = value;
        Volatile.Write(ref slot, boxed);
        return boxed;
    }

    private static object[] Fill<T>(System.Func<byte, T> make) where T : struct
    {
        var boxes = new object[SmallLimit];
        for (int i = 0; i < SmallLimit; i++)
            boxes[i] = make((byte)i);
        return boxes;
    }
}
