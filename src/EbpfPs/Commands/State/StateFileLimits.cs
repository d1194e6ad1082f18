using System.Linq;
using System.Management.Automation.Language;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>
/// Tells a state file PowerShell's constant-value reader refused for its size from one it refused for a dynamic
/// expression: SafeGetValue says "dynamic expression" for both, and a file of only constants is not dynamic.
/// </summary>
internal static class StateFileLimits
{
    /// <summary>True when every node is one a data file may hold, so the refusal can only be about size.</summary>
    internal static bool IsOnlyConstants(HashtableAst table) =>
        table.FindAll(_ => true, searchNestedScriptBlocks: true).All(IsConstantShape);

    private static bool IsConstantShape(Ast node) => node switch
    {
        HashtableAst or ArrayLiteralAst or ArrayExpressionAst or ConstantExpressionAst or StatementBlockAst => true,
        PipelineAst or CommandExpressionAst => true,
        VariableExpressionAst v => v.VariablePath.UserPath.ToLowerInvariant() is "true" or "false" or "null",
        _ => false,
    };

    internal static BpfException TooLarge(string path, HashtableAst table)
    {
        int values = table.FindAll(a => a is ConstantExpressionAst or VariableExpressionAst, true).Count();
        int widest = table.FindAll(a => a is HashtableAst, true).Max(a => ((HashtableAst)a).KeyValuePairs.Count);
        return new BpfException(ErrorId.StateFileTooLarge,
            $"{System.IO.Path.GetFileName(path)} holds {values} values (the widest hashtable {widest} keys); " +
            "PowerShell's data-file reader takes at most 500 keys in one hashtable and about 10,000 values in all.",
            path, recommendedAction: "Split the state into several files, or build the hashtable in a script and " +
                "pass it to -State.");
    }
}
