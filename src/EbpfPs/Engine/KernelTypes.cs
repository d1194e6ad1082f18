using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>The program and map type numbers this libbpf can name, with those names.</summary>
public static class KernelTypes
{
    // libbpf returns null for numbers past the last type it knows; stop a little after the first gap.
    public static IEnumerable<(int Id, string Name)> ProgramTypes()
    {
        for (int t = 1; t < 64; t++)
        {
            string name = Libbpf.ProgTypeName(t);
            if (name == t.ToString()) yield break;
            yield return (t, name);
        }
    }

    public static IEnumerable<(int Id, string Name)> MapTypes()
    {
        for (int t = 1; t < 64; t++)
        {
            string name = Libbpf.MapTypeName(t);
            if (name == t.ToString()) yield break;
            yield return (t, name);
        }
    }
}
