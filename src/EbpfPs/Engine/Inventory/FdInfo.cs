using System;
using System.IO;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>Fields the kernel only reports through /proc/self/fdinfo (memlock, as bpftool shows it).</summary>
internal static class FdInfo
{
    internal static long ReadLong(SafeFdHandle fd, string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/self/fdinfo/{fd.Fd}"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(field.Length + 1).Trim(), out long value))
                    return value;
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
