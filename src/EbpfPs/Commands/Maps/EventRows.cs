using System;
using System.Collections;
using System.Management.Automation;
using EbpfPs.Engine.Maps.Codec;

namespace EbpfPs.Commands;

/// <summary>
/// A received event as one flat row: Timestamp, Map, Cpu and Size, then every field of the record by its C path
/// (nested structs as outer.inner, array items as name[i], bytes as hex), so Export-Csv writes one column each.
/// </summary>
internal static class EventRows
{
    internal static PSObject From(BpfEvent e)
    {
        var row = new PSObject();
        row.TypeNames.Insert(0, "EbpfPs.BpfEvent");
        row.Properties.Add(new PSNoteProperty("Timestamp", ExportValues.Timestamp(e.Timestamp)));
        row.Properties.Add(new PSNoteProperty("Map", e.Map));
        row.Properties.Add(new PSNoteProperty("Cpu", e.Cpu));
        row.Properties.Add(new PSNoteProperty("Size", e.Size));
        if (e.Value is null)
            row.Properties.Add(new PSNoteProperty("Data", MapCodec.Hex(e.Data, 0, e.Size)));
        else
            Add(row, "", e.Value);
        return row;
    }

    private static void Add(PSObject row, string path, object? value)
    {
        switch (value)
        {
            case IDictionary fields:
                foreach (DictionaryEntry f in fields)
                    Add(row, path.Length == 0 ? f.Key.ToString()! : path + "." + f.Key, f.Value);
                break;
            case byte[] bytes:
                Note(row, path, MapCodec.Hex(bytes, 0, bytes.Length));
                break;
            case object?[] items:
                for (int i = 0; i < items.Length; i++)
                    Add(row, $"{path}[{i}]", items[i]);
                break;
            default:
                Note(row, path.Length == 0 ? "Value" : path, value);
                break;
        }
    }

    private static void Note(PSObject row, string name, object? value)
    {
        // A field named like a fixed column (cpu, size, map) keeps its name under Value.
        if (row.Properties[name] is not null)
            name = "Value." + name;
        row.Properties.Add(new PSNoteProperty(name, value));
    }
}
