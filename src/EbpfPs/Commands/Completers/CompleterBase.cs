using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EbpfPs.Commands;

/// <summary>Tab completion from a list of candidates matched as prefix-wildcards; failures complete nothing.</summary>
public abstract class CompleterBase : IArgumentCompleter
{
    protected abstract IEnumerable<string> Candidates(IDictionary fakeBoundParameters);

    /// <summary>True when Candidates come in the order to offer them (most likely first), not to be sorted.</summary>
    protected virtual bool Ordered => false;

    /// <summary>The command being completed (Add-TcProgram, say), for candidates that depend on it.</summary>
    protected string CommandName { get; private set; } = "";

    /// <summary>The command's syntax, for candidates that depend on what is piped into it.</summary>
    protected CommandAst? Ast { get; private set; }

    /// <summary>What has been typed of the value, unquoted, for candidates too many to list whole.</summary>
    protected string Word { get; private set; } = "";

    /// <summary>At most this many matches are offered (vmlinux alone has about 100,000 type names).</summary>
    protected virtual int Limit => int.MaxValue;

    /// <summary>Whether a candidate fits what was typed; a prefix of it by default.</summary>
    protected virtual bool Matches(WildcardPattern typed, string candidate) => typed.IsMatch(candidate);

    /// <summary>The text of the candidate's line in a completion menu, and its tooltip.</summary>
    protected virtual (string ListItem, string ToolTip) Describe(string candidate) => (candidate, candidate);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        Word = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = WildcardPattern.Get(Word + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> candidates;
        CommandName = commandName ?? "";
        Ast = commandAst;
        try
        {
            var distinct = Candidates(fakeBoundParameters).Distinct(StringComparer.Ordinal);
            candidates = (Ordered ? distinct : distinct.OrderBy(c => c, StringComparer.Ordinal))
                .Where(c => Matches(pattern, c)).Take(Limit).ToList();
        }
        catch (Exception)
        {
            yield break;
        }
        foreach (string c in candidates)
        {
            var (item, tip) = Describe(c);
            yield return new CompletionResult(Quote(c), item, CompletionResultType.ParameterValue, tip);
        }
    }

    /// <summary>
    /// The strings a parameter was already given on the command line (a name, several, or none), as far as
    /// PowerShell could evaluate them while completing.
    /// </summary>
    protected static IReadOnlyList<string> BoundStrings(IDictionary bound, string parameter) => Bound(bound, parameter);

    /// <inheritdoc cref="BoundStrings"/>
    internal static IReadOnlyList<string> Bound(IDictionary bound, string parameter)
    {
        object? value = bound.Contains(parameter) ? bound[parameter] : null;
        value = value is PSObject p ? p.BaseObject : value;
        return value switch
        {
            null => Array.Empty<string>(),
            string s => new[] { s },
            IEnumerable items => items.Cast<object?>().Select(i => (i is PSObject w ? w.BaseObject : i)?.ToString())
                .OfType<string>().ToArray(),
            _ => new[] { value.ToString() ?? "" },
        };
    }

    /// <summary>PowerShell's current folder, which a relative path is typed against (not the process's).</summary>
    protected static string CurrentDirectory()
    {
        using var ps = System.Management.Automation.PowerShell.Create(
            System.Management.Automation.RunspaceMode.CurrentRunspace);
        var here = ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location")
            .Invoke<System.Management.Automation.PathInfo>();
        return here.Count == 1 && here[0].Provider.Name == "FileSystem" ? here[0].ProviderPath
            : Environment.CurrentDirectory;
    }

    private static readonly char[] NeedsQuotes = { ' ', '$', '\'', '"', '`', '(', ')', ';', '{', '}', '@', '#', ',' };

    private static string Quote(string s) => s.IndexOfAny(NeedsQuotes) >= 0 ? $"'{s.Replace("'", "''")}'" : s;
}
