using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace EbpfPs.Commands;

/// <summary>
/// Text for a table cell that fits its column: the format views call Wrap for columns that hold free text (values,
/// packets, lists), because PowerShell wraps a cell at its width whatever is there, splitting names and numbers
/// ("packets=163,186.8 byt" / "es=..."). Lines break between words; a word longer than the column breaks after a
/// '/', '@' or a '.' before a letter (paths, interface@namespace, sysctl names) and only where none is left
/// anywhere it must.
/// </summary>
public static class ViewText
{
    /// <summary>The text in lines of at most width characters, broken between words.</summary>
    public static string Wrap(object? value, int width)
    {
        string text = value switch
        {
            null => "",
            string s => s,
            IEnumerable items and not IDictionary => string.Join(", ", items.Cast<object?>()),
            _ => value.ToString() ?? "",
        };
        if (width < 1 || text.Length <= width && !text.Contains('\n'))
            return text;
        var lines = new List<string>();
        foreach (string paragraph in text.Split('\n'))
            WrapParagraph(paragraph.TrimEnd('\r'), width, lines);
        return string.Join("\n", lines);
    }

    /// <summary>A list, items separated by ", ", in lines of at most width characters.</summary>
    public static string List(IEnumerable? items, int width) =>
        items is null ? "" : Wrap(string.Join(", ", items.Cast<object?>()), width);

    private static void WrapParagraph(string paragraph, int width, List<string> lines)
    {
        var line = new StringBuilder();
        foreach (string word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (word.Length <= width)
            {
                line.Append(line.Length > 0 ? " " : "").Append(word);
                continue;
            }
            // A word longer than the column: whole lines of its pieces, the last one left to go on with.
            List<string> pieces = Pieces(word, width);
            lines.AddRange(pieces.Take(pieces.Count - 1));
            line.Append(pieces[^1]);
        }
        lines.Add(line.ToString());
    }

    /// <summary>A word longer than width in pieces that fit, each cut after a break character if it has one.</summary>
    private static List<string> Pieces(string word, int width)
    {
        var pieces = new List<string>();
        int start = 0;
        while (word.Length - start > width)
        {
            int cut = start + width;
            for (int i = start + width - 1; i > start; i--)
                if (BreaksAfter(word, i))
                {
                    cut = i + 1;
                    break;
                }
            pieces.Add(word[start..cut]);
            start = cut;
        }
        pieces.Add(word[start..]);
        return pieces;
    }

    private static bool BreaksAfter(string word, int i) =>
        word[i] is '/' or '@' || word[i] == '.' && i + 1 < word.Length && char.IsLetter(word[i + 1]);
}
