using System;
using EbpfPs.Engine.Host;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>Fields the kernel only reports through /proc/self/fdinfo (memlock, as bpftool shows it).</summary>
internal static class FdInfo
{
    internal static long ReadLong(SafeFdHandle fd, string field)
    {
        foreach (string line in (Tools.ReadText($"/proc/self/fdinfo/{fd.Fd}") ?? "").Split('\n'))
            if (line.StartsWith(field + ":", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(field.Length + 1).Trim(), out long value))
                return value;
        return 0;
    }
}
