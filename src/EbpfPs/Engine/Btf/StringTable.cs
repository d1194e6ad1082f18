using System;
using System.Text;

namespace EbpfPs.Engine.Btf;

/// <summary>NUL-terminated strings of an ELF or BTF string table, read without running off its end.</summary>
internal static class StringTable
{
    /// <summary>True when the NUL-terminated string at offset in table is exactly name.</summary>
    public static bool NameEquals(ReadOnlySpan<byte> table, uint offset, ReadOnlySpan<byte> name)
    {
        if (offset >= (uint)table.Length) return false;
        ReadOnlySpan<byte> rest = table.Slice((int)offset);
        return rest.Length > name.Length && rest[name.Length] == 0 && rest.StartsWith(name);
    }

    /// <summary>The string at offset of a table whose last byte is known to be NUL.</summary>
    public static string StringAt(ReadOnlySpan<byte> table, uint offset)
    {
        if (offset >= (uint)table.Length) return $"<offset {offset}>";
        ReadOnlySpan<byte> rest = table.Slice((int)offset);
        int end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest.Slice(0, end));
    }
}
