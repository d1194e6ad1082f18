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

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> candidates;
        try
        {
            candidates = Candidates(fakeBoundParameters).Distinct(StringComparer.Ordinal).OrderBy(c => c,
                StringComparer.Ordinal).ToList();
        }
        catch (Exception)
        {
            yield break;
        }
        foreach (string c in candidates)
            if (pattern.IsMatch(c))
                yield return new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c);
    }

    private static readonly char[] NeedsQuotes = { ' ', '$', '\'', '"', '`', '(', ')', ';', '{', '}', '@', '#', ',' };

    private static string Quote(string s) => s.IndexOfAny(NeedsQuotes) >= 0 ? $"'{s.Replace("'", "''")}'" : s;
}
