using System.Linq;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>-Name style filters: any of several wildcard patterns, case-insensitive like the rest of PowerShell.</summary>
internal static class Wildcards
{
    internal static WildcardPattern[]? Of(string[]? patterns) =>
        patterns?.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();

    internal static bool Match(WildcardPattern[]? patterns, string value) =>
        patterns is null || patterns.Any(p => p.IsMatch(value));
}
