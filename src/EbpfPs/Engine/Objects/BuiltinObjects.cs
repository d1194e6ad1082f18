using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;
using System.Linq;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// The BPF objects that ship inside the module (bpf/xdp_NAME.o, bpf/tc_NAME.o), so `-Program router`
/// works without a path.
/// </summary>
public static class BuiltinObjects
{
    /// <summary>The folder beside EbpfPs.dll holding the compiled objects.</summary>
    public static string Directory { get; set; } =
        Path.Combine(Path.GetDirectoryName(typeof(BuiltinObjects).Assembly.Location) ?? ".", "bpf");

    public static string Prefix(BpfHookKind hook) => hook == BpfHookKind.Xdp ? "xdp_" : "tc_";

    /// <summary>Names of the built-in programs available for a hook (or for any hook when null).</summary>
    public static IReadOnlyList<string> Names(BpfHookKind? hook = null)
    {
        if (!System.IO.Directory.Exists(Directory))
            return Array.Empty<string>();
        IEnumerable<BpfHookKind> hooks = hook is null ? new[] { BpfHookKind.Xdp, BpfHookKind.Tc }
            : new[] { hook.Value };
        return hooks
            .SelectMany(h => System.IO.Directory.GetFiles(Directory, Prefix(h) + "*.o")
                .Select(f => Path.GetFileNameWithoutExtension(f)[Prefix(h).Length..]))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
    }

    public static string Resolve(string name, BpfHookKind hook)
    {
        string path = Path.Combine(Directory, Prefix(hook) + name + ".o");
        if (File.Exists(path))
            return path;
        IReadOnlyList<string> names = Names(hook);
        throw new BpfException(ErrorId.BuiltinProgramNotFound,
            $"The module has no built-in {hook} program named '{name}'. Available: {Listed(names)}.", name);
    }

    private static string Listed(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none (was the module built?)" : string.Join(", ", names);
}
