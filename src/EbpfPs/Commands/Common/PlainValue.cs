using System;
using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>
/// Turns what a script passes (PSCustomObjects, hashtables, arrays, wrapped numbers) into plain .NET values for the
/// engine.
/// </summary>
internal static class PlainValue
{
    /// <summary>
    /// Hashtables, objects and lists inside each other a key or value may have: far above any C type a map holds
    /// (a struct of arrays of structs is a few levels), far below what would overflow the stack while copying.
    /// </summary>
    internal const int MaxDepth = 64;

    /// <summary>
    /// The value as plain .NET values; one nested more than MaxDepth deep (a hashtable that holds itself, say) is
    /// ValueTooDeep naming what (a parameter, or a variable's name), before anything is changed.
    /// </summary>
    internal static object? From(object? value, string what = "The value") =>
        From(value, MaxDepth, 1, () => new BpfException(ErrorId.ValueTooDeep,
            $"{what} nests hashtables, objects and lists more than {MaxDepth} deep, deeper than any map key or " +
            "value (a hashtable that holds itself is infinitely deep).", what,
            recommendedAction: "Look for a hashtable or list that holds itself, or a value wrapped in itself."));

    /// <summary>
    /// As From, refusing with tooDeep's exception a value of hashtables, objects and lists nested more than maxDepth
    /// deep: a hashtable that holds itself is infinitely deep, and copying it would overflow the stack.
    /// </summary>
    internal static object? From(object? value, int maxDepth, Func<BpfException> tooDeep) =>
        From(value, maxDepth, 1, tooDeep);

    private static object? From(object? value, int maxDepth, int depth, Func<BpfException> tooDeep)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                Enter(depth, maxDepth, tooDeep);
                var fields = new OrderedDictionary();
                foreach (PSPropertyInfo p in pso.Properties)
                    fields[p.Name] = From(p.Value, maxDepth, depth + 1, tooDeep);
                return fields;
            }
            value = pso.BaseObject;
        }
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case IDictionary d:
                Enter(depth, maxDepth, tooDeep);
                var copy = new OrderedDictionary();
                foreach (DictionaryEntry e in d)
                    copy[e.Key] = From(e.Value, maxDepth, depth + 1, tooDeep);
                return copy;
            case string:
                return value;
            case IList list:
                Enter(depth, maxDepth, tooDeep);
                var items = new object?[list.Count];
                for (int i = 0; i < items.Length; i++)
                    items[i] = From(list[i], maxDepth, depth + 1, tooDeep);
                return items;
            default:
                return value;
        }
    }

    private static void Enter(int depth, int maxDepth, Func<BpfException> tooDeep)
    {
        if (depth > maxDepth)
            throw tooDeep();
    }
}
