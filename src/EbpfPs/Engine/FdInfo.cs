using System;
using System.IO;

namespace EbpfPs.Engine;

/// <summary>Fields the kernel only reports through /proc/self/fdinfo (memlock, as bpftool shows it).</summary>
internal static class FdInfo
{
    internal static long ReadLong(int fd, string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/self/fdinfo/{fd}"))
                if (line.StartsWith(field + ":", System.StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(field.Length + 1).Trim(), out long value))
                    return value;
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
