using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Turns what a script passes (PSCustomObjects, hashtables, arrays, wrapped numbers) into plain .NET values for the
/// engine.
/// </summary>
internal static class PlainValue
{
    internal static object? From(object? value)
    {
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                var fields = new OrderedDictionary();
                foreach (PSPropertyInfo p in pso.Properties)
                    fields[p.Name] = From(p.Value);
                return fields;
            }
            value = pso.BaseObject;
        }
        switch (value)
        {
            case byte[] bytes:
                return bytes;
            case IDictionary d:
                var copy = new OrderedDictionary();
                foreach (DictionaryEntry e in d)
                    copy[e.Key] = From(e.Value);
                return copy;
            case string:
                return value;
            case IList list:
                var items = new object?[list.Count];
                for (int i = 0; i < items.Length; i++)
                    items[i] = From(list[i]);
                return items;
            default:
                return value;
        }
    }
}
