using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Entries as the kernel's bytes, for desired state: a wanted value is encoded once and compared byte for byte
/// (no question of number types), and a value replaced by Set-BpfState can be put back exactly as it was.
/// </summary>
public sealed partial class BpfMap
{
    /// <summary>The key and value in the kernel's layout (per-CPU: the value repeated for every CPU).</summary>
    internal (byte[] Key, byte[] Value) EncodeEntry(object? key, object? value)
    {
        byte[] k = EncodeKey(key);
        byte[] v = new byte[ValueBufferSize];
        EncodeValue(value, v, 0, "");
        for (int cpu = 1; cpu < _cpus; cpu++)
            Array.Copy(v, 0, v, cpu * _stride, (int)Info.ValueSize);
        return (k, v);
    }

    /// <summary>The value's bytes, or null when the key is not in the map.</summary>
    internal byte[]? LookupBytes(byte[] key)
    {
        byte[] v = new byte[ValueBufferSize];
        return TryLookup(key, v) ? v : null;
    }

    internal void WriteBytes(byte[] key, byte[] value) =>
        Libbpf.MapUpdate(_fd, key, value, MapUpdateFlags.Any).OrThrow("update an entry of map", Info.Name);

    internal void DeleteBytes(byte[] key)
    {
        Result deleted = Libbpf.MapDelete(_fd, key);
        if (deleted.Errno != Errno.ENOENT)
            deleted.OrThrow("delete an entry of map", Info.Name);
    }

    /// <summary>A key or value in the kernel's layout as text, e.g. {packets=3 bytes=180}; per-CPU: CPU 0's.</summary>
    internal string DescribeKey(byte[] key) => Text(_key.Decode(key, 0));

    internal string DescribeValue(byte[]? value) => value is null ? "(no entry)" : Text(_value.Decode(value, 0));

    private static string Text(object? decoded) => decoded switch
    {
        null => "",
        byte[] b => Convert.ToHexString(b),
        object?[] items => "[" + string.Join(", ", Array.ConvertAll(items, Text)) + "]",
        _ => decoded.ToString() ?? "",
    };
}
