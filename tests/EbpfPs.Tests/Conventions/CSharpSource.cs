using System;
using System.IO;
using System.Text;

namespace EbpfPs.Tests.Conventions;

/// <summary>
/// A C# file as the compiler sees its code: comments blanked out (a doc comment may name anything), and for
/// checks on code alone, string and char literals blanked too. Blanking keeps every newline, so a match's line
/// number is the line in the file.
/// </summary>
internal sealed class CSharpSource
{
    private CSharpSource(string path, string relative, string text)
    {
        Path = path;
        Relative = relative;
        WithStrings = Blank(text, keepStrings: true);
        CodeOnly = Blank(text, keepStrings: false);
    }

    public string Path { get; }
    /// <summary>The path from the repository root, with forward slashes (src/EbpfPs/Interop/Libc.cs).</summary>
    public string Relative { get; }
    /// <summary>Comments blanked, literals kept: for checks on what a string literal says (error ids).</summary>
    public string WithStrings { get; }
    /// <summary>Comments and literals blanked: for checks on identifiers and numbers.</summary>
    public string CodeOnly { get; }

    public static CSharpSource Read(string path, string root) =>
        new(path, System.IO.Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllText(path));

    /// <summary>Code given as text, for testing the scans themselves.</summary>
    public static CSharpSource FromText(string text) => new("(text)", "(text)", text);

    public int LineOf(int index)
    {
        int line = 1;
        for (int i = 0; i < index && i < CodeOnly.Length; i++)
            if (CodeOnly[i] == '\n') line++;
        return line;
    }

    private static string Blank(string text, bool keepStrings)
    {
        var s = new StringBuilder(text);
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (c == '/' && next == '/')
                i = BlankUntil(s, i, "\n", blank: true, escapes: false, includeEnd: false);
            else if (c == '/' && next == '*')
                i = BlankUntil(s, i + 2, "*/", blank: true, escapes: false, includeEnd: true, start: i);
            else if (c == '"' && next == '"' && i + 2 < s.Length && s[i + 2] == '"')
                i = SkipRaw(s, i, !keepStrings);
            else if (c == '"')
            {
                bool verbatim = i > 0 && (s[i - 1] == '@' || (s[i - 1] == '$' && i > 1 && s[i - 2] == '@'));
                i = BlankUntil(s, i + 1, "\"", !keepStrings, escapes: !verbatim, includeEnd: true,
                    doubledQuote: verbatim);
            }
            else if (c == '\'')
                i = BlankUntil(s, i + 1, "'", !keepStrings, escapes: true, includeEnd: true);
            else
                i++;
        }
        return s.ToString();
    }

    /// <summary>Moves past the text up to end, blanking it (not newlines) if asked; returns the index after.</summary>
    private static int BlankUntil(StringBuilder s, int from, string end, bool blank, bool escapes, bool includeEnd,
        int start = -1, bool doubledQuote = false)
    {
        if (start >= 0 && blank)
            for (int k = start; k < from; k++) s[k] = ' ';
        int i = from;
        while (i < s.Length)
        {
            if (escapes && s[i] == '\\' && i + 1 < s.Length)
            {
                if (blank) { s[i] = ' '; if (s[i + 1] != '\n') s[i + 1] = ' '; }
                i += 2;
                continue;
            }
            if (doubledQuote && s[i] == '"' && i + 1 < s.Length && s[i + 1] == '"')
            {
                if (blank) s[i] = s[i + 1] = ' ';
                i += 2;
                continue;
            }
            if (string.CompareOrdinal(s.ToString(i, Math.Min(end.Length, s.Length - i)), end) == 0)
            {
                if (blank && includeEnd && start >= 0)
                    for (int k = i; k < i + end.Length; k++) s[k] = ' ';
                return i + end.Length;
            }
            if (blank && s[i] != '\n') s[i] = ' ';
            i++;
        }
        return i;
    }

    /// <summary>A raw string literal ("""...""", or more quotes): everything to the same run of quotes.</summary>
    private static int SkipRaw(StringBuilder s, int at, bool blank)
    {
        int quotes = 0;
        while (at + quotes < s.Length && s[at + quotes] == '"') quotes++;
        string fence = new('"', quotes);
        return BlankUntil(s, at + quotes, fence, blank, escapes: false, includeEnd: true);
    }
}
