using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Why libbpf refused an object, in its own words: the last warning lines it logged (as bpftool prints them), and
/// the program or map it names as the one that failed. An errno alone ("Invalid argument") says neither.
/// </summary>
internal sealed partial class LibbpfReasons
{
    private const int Shown = 3;

    private LibbpfReasons(IReadOnlyList<string> lines, string? failedKind, string? failedName)
    {
        Lines = lines;
        FailedKind = failedKind;
        FailedName = failedName;
    }

    /// <summary>libbpf's last reason lines, without the "libbpf: " prefix, oldest first.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>"program" or "map" when libbpf names the part that failed, else null.</summary>
    public string? FailedKind { get; }

    public string? FailedName { get; }

    /// <summary>"program 'x'" or "map 'y'", or null when libbpf named neither.</summary>
    public string? FailedPart => FailedName is null ? null : $"{FailedKind} '{FailedName}'";

    public static LibbpfReasons None { get; } = new(Array.Empty<string>(), null, null);

    /// <summary>
    /// Picks the reasons out of libbpf's warnings: the verifier's log (which the error carries whole) and the
    /// closing "failed to load object" (which names only the file) are left out.
    /// </summary>
    public static LibbpfReasons From(IEnumerable<string> warnings)
    {
        var lines = new List<string>();
        foreach (string warning in warnings)
        {
            // libbpf prints the verifier log as one multi-line warning; its first line is libbpf's own.
            string line = warning.Split('\n')[0].Trim();
            if (line.StartsWith("libbpf: ", StringComparison.Ordinal))
                line = line["libbpf: ".Length..].Trim();
            if (line.Length == 0 || line.Contains("-- BEGIN PROG LOAD LOG --", StringComparison.Ordinal)
                || line.Contains("-- END PROG LOAD LOG --", StringComparison.Ordinal)
                || FailedObject().IsMatch(line))
                continue;
            if (lines.Count == 0 || lines[^1] != line)
                lines.Add(line);
        }
        // The last part libbpf names is the one that stopped the load; earlier ones may be warnings it got past
        // ("Error in bpf_create_map_xattr(m) ... Retrying without BTF.").
        (string? kind, string? name) = lines.Select(Part).LastOrDefault(p => p.Name is not null);
        return new LibbpfReasons(lines.Skip(Math.Max(0, lines.Count - Shown)).ToArray(), kind, name);
    }

    /// <summary>The reasons as one clause for a message ("libbpf: a; b"), or "" when libbpf said nothing.</summary>
    public string Clause => Lines.Count == 0 ? "" : "libbpf says: " + string.Join("; ", Lines);

    private static (string? Kind, string? Name) Part(string line)
    {
        Match m = NamedPart().Match(line);
        if (m.Success)
            return (m.Groups["kind"].Value == "prog" ? "program" : "map", m.Groups["name"].Value);
        m = MapCreate().Match(line);
        return m.Success ? ("map", m.Groups["name"].Value) : (null, null);
    }

    [GeneratedRegex(@"^(?<kind>prog|map) '(?<name>[^']+)': .*(fail|error|invalid|unrecognized|not )",
        RegexOptions.IgnoreCase)]
    private static partial Regex NamedPart();

    // libbpf 1.1's map creation warning names the map in parentheses: Error in bpf_create_map_xattr(name):...
    [GeneratedRegex(@"^Error in bpf_create_map_xattr\((?<name>[^)]+)\)")]
    private static partial Regex MapCreate();

    [GeneratedRegex(@"^failed to load object '")]
    private static partial Regex FailedObject();
}
