using System;
using System.Linq;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// -Name style filters: any of several wildcard patterns, case-insensitive like the rest of PowerShell (interface
/// names excepted: Linux tells eth0 from ETH0).
/// </summary>
internal static class Wildcards
{
    internal static WildcardPattern[]? Of(string[]? patterns) =>
        patterns?.Select(Pattern).ToArray();

    internal static bool Match(WildcardPattern[]? patterns, string value) =>
        patterns is null || patterns.Any(p => p.IsMatch(value));

    /// <summary>One pattern as a predicate, for engine calls that match names.</summary>
    internal static Func<string, bool> Matcher(string pattern) => Pattern(pattern).IsMatch;

    /// <summary>
    /// An interface-name pattern: case-sensitive, as Linux compares interface names (NetInterfaces tries the exact
    /// name first).
    /// </summary>
    internal static Func<string, bool> InterfaceMatcher(string pattern) =>
        WildcardPattern.Get(pattern, WildcardOptions.None).IsMatch;

    private static WildcardPattern Pattern(string pattern) => WildcardPattern.Get(pattern, WildcardOptions.IgnoreCase);
}
