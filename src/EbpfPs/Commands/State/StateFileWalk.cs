using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation.Language;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// One walk over a state file's parse tree that turns it into plain values (ordered hashtables, object arrays,
/// the parser's constants): keys are checked against the document's shape before their values are walked,
/// values and depth are counted as they come, and every node is read once. Only data shapes are taken; anything
/// else (a command, a variable, an expandable string, a cast) is refused, so nothing in the file ever runs.
/// </summary>
internal sealed class StateFileWalk
{
    private readonly string _path;
    private int _values;

    internal StateFileWalk(string path) => _path = path;

    /// <summary>The line of each key and list item by its key path, e.g. "Programs[0].Interfaces[1]".</summary>
    internal Dictionary<string, int> Lines { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value of an expression the shape expects at key; depth counts the containers around it.</summary>
    internal object? Value(ExpressionAst ast, StateShape shape, string key, int depth)
    {
        ast = Unwrap(ast);
        if (ast is ArrayLiteralAst or ArrayExpressionAst)
            return List(ast, shape.Items ?? StateShape.Any, key, depth);
        if (shape.IsList)
        {
            // A single item where a list is expected counts as a list of one.
            Lines.TryAdd(key + "[0]", ast.Extent.StartLineNumber);
            return Value(ast, shape.Items!, key + "[0]", depth);
        }
        return ast switch
        {
            HashtableAst table => Table(table, shape, key, depth),
            ConstantExpressionAst c => c.Value,
            VariableExpressionAst v when v.VariablePath.IsUnqualified => v.VariablePath.UserPath.ToLowerInvariant()
                switch
                {
                    "true" => true,
                    "false" => false,
                    "null" => null,
                    _ => throw NotConstant(ast),
                },
            UnaryExpressionAst { TokenKind: TokenKind.Minus, Child: ConstantExpressionAst c } => Negate(c),
            _ => throw NotConstant(ast),
        };
    }

    private OrderedDictionary Table(HashtableAst table, StateShape shape, string key, int depth)
    {
        Enter(table, key, depth);
        string prefix = key.Length == 0 ? "" : key + ".";
        // Every key first: an unknown one is refused before any value, however large, is read.
        foreach (Tuple<ExpressionAst, StatementAst> pair in table.KeyValuePairs)
        {
            object name = KeyOf(pair.Item1);
            Lines[prefix + name] = pair.Item1.Extent.StartLineNumber;
            shape.CheckKey(name, new StateSource(_path, prefix + name, pair.Item1.Extent.StartLineNumber));
        }
        var values = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (Tuple<ExpressionAst, StatementAst> pair in table.KeyValuePairs)
        {
            Count(pair.Item1);
            object name = KeyOf(pair.Item1);
            ExpressionAst value = (pair.Item2 as PipelineAst)?.GetPureExpression() ?? throw NotConstant(pair.Item2);
            values[name] = Value(value, shape.Member(name.ToString() ?? "") ?? StateShape.Any, prefix + name,
                depth + 1);
        }
        return values;
    }

    private object?[] List(ExpressionAst list, StateShape items, string key, int depth)
    {
        Enter(list, key, depth);
        var elements = new List<ExpressionAst>();
        Elements(list, elements);
        var values = new object?[elements.Count];
        for (int i = 0; i < values.Length; i++)
        {
            Count(elements[i]);
            Lines[$"{key}[{i}]"] = elements[i].Extent.StartLineNumber;
            values[i] = Value(elements[i], items, $"{key}[{i}]", depth + 1);
        }
        return values;
    }

    /// <summary>
    /// The items of a list as PowerShell makes them: a literal's elements, and for @( ... ) each statement's
    /// value, a list among them giving its items (the pipeline unrolls it, one level).
    /// </summary>
    private void Elements(ExpressionAst list, List<ExpressionAst> into)
    {
        if (list is ArrayLiteralAst literal)
        {
            into.AddRange(literal.Elements);
            return;
        }
        foreach (StatementAst statement in ((ArrayExpressionAst)list).SubExpression.Statements)
        {
            ExpressionAst item = Unwrap((statement as PipelineAst)?.GetPureExpression()
                ?? throw NotConstant(statement));
            if (item is ArrayLiteralAst or ArrayExpressionAst)
                Elements(item, into);
            else
                into.Add(item);
        }
    }

    private static ExpressionAst Unwrap(ExpressionAst ast)
    {
        while (ast is ParenExpressionAst paren)
            ast = (paren.Pipeline as PipelineAst)?.GetPureExpression() ?? throw NotConstant(paren);
        return ast;
    }

    private object KeyOf(ExpressionAst key) => key switch
    {
        ConstantExpressionAst c when c.Value is not null => c.Value,
        _ => throw NotConstant(key),
    };

    private static object Negate(ConstantExpressionAst c) => c.Value switch
    {
        int i => -i,
        long l => -l,
        double d => -d,
        decimal m => -m,
        _ => throw NotConstant(c),
    };

    private void Enter(Ast container, string key, int depth)
    {
        if (depth > StateFileLimits.MaxDepth)
            throw StateFileLimits.TooDeep(_path, container.Extent.StartLineNumber,
                key.Length == 0 ? "the file" : key);
    }

    private void Count(Ast item)
    {
        if (++_values > StateFileLimits.MaxValues)
            throw StateFileLimits.TooManyValues(_path, item.Extent.StartLineNumber);
    }

    private static BpfException NotConstant(Ast ast)
    {
        string text = ast.Extent.Text.Length > 40 ? ast.Extent.Text[..40] + "..." : ast.Extent.Text;
        string file = System.IO.Path.GetFileName(ast.Extent.File ?? "");
        return new BpfException(ErrorId.InvalidStateFile,
            $"{file} line {ast.Extent.StartLineNumber}: only constant values are allowed in a state file, and " +
            $"'{text}' is not one (a data file holds numbers, 'strings', $true, $false, $null, @(lists) and " +
            "@{hashtables}).", ast.Extent.File);
    }
}
