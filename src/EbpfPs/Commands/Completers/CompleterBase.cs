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

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> candidates;
        CommandName = commandName ?? "";
        try
        {
            var distinct = Candidates(fakeBoundParameters).Distinct(StringComparer.Ordinal);
            candidates = (Ordered ? distinct : distinct.OrderBy(c => c, StringComparer.Ordinal)).ToList();
        }
        catch (Exception)
        {
            yield break;
        }
        foreach (string c in candidates)
            if (pattern.IsMatch(c))
                yield return new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c);
    }

    /// <summary>
    /// The strings a parameter was already given on the command line (a name, several, or none), as far as
    /// PowerShell could evaluate them while completing.
    /// </summary>
    protected static IReadOnlyList<string> BoundStrings(IDictionary bound, string parameter)
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
