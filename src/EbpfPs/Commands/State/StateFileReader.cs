using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// Reads a desired-state .psd1 the way Import-PowerShellDataFile does (the parser's constant values only, nothing
/// runs), and remembers the line of every key and list item so errors can point at them.
/// </summary>
internal static class StateFileReader
{
    internal static BpfStateDocument Read(string path)
    {
        if (System.IO.Directory.Exists(path))
            throw new BpfException(ErrorId.NotARegularFile,
                $"'{path}' is a directory, not a state file; a state file is a .psd1 data file.", path);
        if (!System.IO.File.Exists(path))
            throw new BpfException(ErrorId.PathNotFound, $"State file '{path}' does not exist.", path);
        ScriptBlockAst ast = Parser.ParseFile(path, out _, out ParseError[] errors);
        if (errors.Length > 0)
            throw new BpfException(ErrorId.InvalidStateFile,
                $"{System.IO.Path.GetFileName(path)} line {errors[0].Extent.StartLineNumber}: {errors[0].Message}",
                path);
        HashtableAst table = TopHashtable(ast)
            ?? throw new BpfException(ErrorId.InvalidStateFile,
                $"{System.IO.Path.GetFileName(path)}: a state file holds one hashtable, @{{ Programs = ...; Maps = " +
                "... }.", path);
        object? value;
        try
        {
            value = table.SafeGetValue();
        }
        catch (InvalidOperationException e)
        {
            if (StateFileLimits.IsOnlyConstants(table))
                throw StateFileLimits.TooLarge(path, table);
            throw new BpfException(ErrorId.InvalidStateFile,
                $"{System.IO.Path.GetFileName(path)}: only constant values are allowed in a state file " +
                $"({e.Message}).", path);
        }
        var lines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        WalkTable(table, "", lines);
        return BpfStateDocument.Parse((IDictionary)PlainValue.From(value)!, path,
            System.IO.Path.GetDirectoryName(path) ?? ".", key => lines.TryGetValue(key, out int l) ? l : null);
    }

    private static HashtableAst? TopHashtable(ScriptBlockAst ast)
    {
        if (ast.BeginBlock is not null || ast.ProcessBlock is not null || ast.EndBlock?.Statements.Count != 1)
            return null;
        return (ast.EndBlock.Statements[0] as PipelineAst)?.GetPureExpression() as HashtableAst;
    }

    private static void WalkTable(HashtableAst table, string prefix, Dictionary<string, int> lines)
    {
        foreach (Tuple<ExpressionAst, StatementAst> pair in table.KeyValuePairs)
        {
            string name = pair.Item1 is StringConstantExpressionAst s ? s.Value : pair.Item1.Extent.Text;
            string key = prefix + name;
            lines[key] = pair.Item1.Extent.StartLineNumber;
            if ((pair.Item2 as PipelineAst)?.GetPureExpression() is ExpressionAst value)
                WalkValue(value, key, lines);
        }
    }

    private static void WalkValue(ExpressionAst value, string key, Dictionary<string, int> lines)
    {
        List<ExpressionAst>? items = value switch
        {
            ArrayExpressionAst a => a.SubExpression.Statements.OfType<PipelineAst>()
                .Select(p => p.GetPureExpression()).OfType<ExpressionAst>()
                .SelectMany(e => e is ArrayLiteralAst l ? (IEnumerable<ExpressionAst>)l.Elements : new[] { e })
                .ToList(),
            ArrayLiteralAst l => l.Elements.ToList(),
            _ => null,
        };
        if (items is null)
        {
            // A single item where a list is expected counts as a list of one.
            lines.TryAdd(key + "[0]", value.Extent.StartLineNumber);
            if (value is HashtableAst single)
            {
                WalkTable(single, key + ".", lines);
                WalkTable(single, key + "[0].", lines);
            }
            return;
        }
        for (int i = 0; i < items.Count; i++)
        {
            lines[$"{key}[{i}]"] = items[i].Extent.StartLineNumber;
            if (items[i] is HashtableAst h)
                WalkTable(h, $"{key}[{i}].", lines);
        }
    }
}
