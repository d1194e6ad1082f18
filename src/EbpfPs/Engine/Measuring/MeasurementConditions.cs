using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// The conditions of a run in a few words each, for a table to show once instead of the long Note on every row;
/// Get-Help about_EbpfPs_Measuring explains each. The long notes stay the source: a condition added there
/// without a short form here still shows, cut at its first clause.
/// </summary>
public static class MeasurementConditions
{
    private const int FallbackLength = 48;

    // Matched on how each note starts; the order matters only where prefixes share words.
    private static readonly (Regex Note, Func<Match, string> Short)[] Forms =
    {
        (new Regex("^no program attached"), _ => "no program (kernel path)"),
        (new Regex("^forwarded A to B through the router"), _ => "routed A to B, B drops in XDP"),
        (new Regex("^iperf3 from A to B through the router"), _ => "iperf3 A to B via router, clients XDP pass"),
        (new Regex("^GRO was off on"), _ => "GRO turned on at receivers"),
        (new Regex("^TX checksum offload"), _ => "TX checksum offload off on clients"),
        (new Regex("^neighbour entries"), _ => "static neighbours on path"),
        (new Regex("^the kernel refused live frames"), _ => "packet socket sender (no live frames)"),
        (new Regex("^BPF run-time statistics were on"), _ => "bpf_stats_enabled was on"),
        (new Regex("^BPF run-time statistics held"), _ => "bpf_stats on for ProgramNs"),
        (new Regex(@"^(\d+) flows:"), m => $"{m.Groups[1].Value} flows"),
        (new Regex("^TCP: BitsPerSecond is iperf3"), _ => "TCP: iperf3's rate, Sent/Lost n/a"),
    };

    /// <summary>Every short form, as about_EbpfPs_Measuring lists them ("N flows" for a count of flows).</summary>
    public static IReadOnlyList<string> Known { get; } = Forms
        .Select(f => f.Short(Regex.Match("0", @"(\d)")).Replace("0 flows", "N flows")).ToArray();

    public static IReadOnlyList<string> Short(IEnumerable<string> notes) =>
        notes.Select(Short).Distinct().ToArray();

    public static string Short(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        foreach (var (pattern, form) in Forms)
        {
            Match m = pattern.Match(note);
            if (m.Success)
                return form(m);
        }
        int cut = note.IndexOfAny(new[] { ';', ':', '(' });
        string head = (cut > 0 ? note[..cut] : note).Trim();
        return head.Length <= FallbackLength ? head : head[..(FallbackLength - 3)].TrimEnd() + "...";
    }
}
