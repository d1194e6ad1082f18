using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace EbpfPs.Tests.Interop;

/// <summary>
/// The integer constants a C header defines: object-like #defines whose value is an integer expression
/// (1U &lt;&lt; 3, 0x100, NLM_F_ROOT|NLM_F_MATCH) and enumerators, numbered as the compiler numbers them.
/// Enough C for uapi and libbpf headers; a constant it cannot evaluate is left out rather than guessed.
/// </summary>
internal static partial class UapiHeader
{
    /// <summary>The constants of the last header; the ones before it stand for what it includes.</summary>
    public static IReadOnlyDictionary<string, long> Constants(params string[] paths)
    {
        string text = string.Join("\n", paths.Select(p => JoinContinuations(StripComments(File.ReadAllText(p)))));
        var macros = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Define().Matches(text))
            macros[m.Groups[1].Value] = m.Groups[2].Value.Trim();

        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in EnumBody().Matches(text))
            ReadEnum(m.Groups[1].Value, values, macros);
        foreach (string name in macros.Keys)
            if (!values.ContainsKey(name) && new Evaluator(values, macros).TryEvaluate(name, out long v))
                values[name] = v;
        return values;
    }

    private static void ReadEnum(string body, Dictionary<string, long> values, Dictionary<string, string> macros)
    {
        long next = 0;
        foreach (string rawLine in body.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.StartsWith("#if", StringComparison.Ordinal))
                return; // members under a condition: their numbering cannot be known without the preprocessor
            if (line.StartsWith('#'))
                continue; // `#define RTM_NEWLINK RTM_NEWLINK` and the like
            foreach (string item in line.Split(','))
            {
                string entry = item.Trim();
                if (entry.Length == 0)
                    continue;
                Match m = Enumerator().Match(entry);
                if (!m.Success)
                    return; // a macro that expands to members (6.1's __BPF_FUNC_MAPPER): the rest is unknowable here
                string name = m.Groups[1].Value;
                if (m.Groups[2].Success)
                {
                    if (!new Evaluator(values, macros).TryEvaluateExpression(m.Groups[2].Value, out next))
                        return;
                }
                values[name] = next;
                next++;
            }
        }
    }

    private static string StripComments(string text) => Comment().Replace(text, m => m.Value.StartsWith("//") ? "" :
        new string('\n', m.Value.AsSpan().Count('\n')));

    private static string JoinContinuations(string text) => text.Replace("\\\n", " ");

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*([^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex Define();

    [GeneratedRegex(@"\benum(?:\s+\w+)?\s*\{([^}]*)\}")]
    private static partial Regex EnumBody();

    [GeneratedRegex(@"^([A-Za-z_]\w*)(?:\s*=\s*(.+))?$", RegexOptions.Singleline)]
    private static partial Regex Enumerator();

    /// <summary>C integer expressions of literals, constants, macros: | ^ &amp; &lt;&lt; &gt;&gt; + - * ~ ().</summary>
    private sealed class Evaluator
    {
        private readonly IReadOnlyDictionary<string, long> _known;
        private readonly IReadOnlyDictionary<string, string> _macros;
        private readonly HashSet<string> _expanding = new(StringComparer.Ordinal);
        private List<string> _tokens = new();
        private int _at;

        public Evaluator(IReadOnlyDictionary<string, long> known, IReadOnlyDictionary<string, string> macros)
        {
            _known = known;
            _macros = macros;
        }

        public bool TryEvaluate(string name, out long value)
        {
            value = 0;
            return _macros.TryGetValue(name, out string? body) && body.Length > 0
                   && TryEvaluateExpression(body, out value);
        }

        public bool TryEvaluateExpression(string expression, out long value)
        {
            value = 0;
            List<string> saved = _tokens;
            int savedAt = _at;
            try
            {
                _tokens = Tokenize(expression);
                _at = 0;
                value = Or();
                return _at == _tokens.Count;
            }
            catch (FormatException)
            {
                return false;
            }
            finally
            {
                _tokens = saved;
                _at = savedAt;
            }
        }

        private long Or() { long v = Xor(); while (Take("|")) v |= Xor(); return v; }
        private long Xor() { long v = And(); while (Take("^")) v ^= And(); return v; }
        private long And() { long v = Shift(); while (Take("&")) v &= Shift(); return v; }

        private long Shift()
        {
            long v = Sum();
            while (true)
            {
                if (Take("<<")) v <<= (int)Sum();
                else if (Take(">>")) v >>= (int)Sum();
                else return v;
            }
        }

        private long Sum()
        {
            long v = Product();
            while (true)
            {
                if (Take("+")) v += Product();
                else if (Take("-")) v -= Product();
                else return v;
            }
        }

        private long Product() { long v = Unary(); while (Take("*")) v *= Unary(); return v; }

        private long Unary()
        {
            if (Take("~")) return ~Unary();
            if (Take("-")) return -Unary();
            if (Take("("))
            {
                long v = Or();
                if (!Take(")")) throw new FormatException("unbalanced parentheses");
                return v;
            }
            if (_at >= _tokens.Count) throw new FormatException("expression ends early");
            string t = _tokens[_at++];
            if (char.IsDigit(t[0])) return Literal(t);
            if (_known.TryGetValue(t, out long known)) return known;
            if (_expanding.Add(t) && _macros.TryGetValue(t, out string? body) && body != t)
            {
                try
                {
                    if (TryEvaluateExpression(body, out long expanded)) return expanded;
                }
                finally
                {
                    _expanding.Remove(t);
                }
            }
            throw new FormatException($"unknown identifier {t}");
        }

        private bool Take(string op)
        {
            if (_at < _tokens.Count && _tokens[_at] == op) { _at++; return true; }
            return false;
        }

        private static long Literal(string t)
        {
            string digits = t.TrimEnd('u', 'U', 'l', 'L');
            if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                return (long)ulong.Parse(digits.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (digits.Length > 1 && digits[0] == '0')
                return Convert.ToInt64(digits, 8);
            return long.Parse(digits, CultureInfo.InvariantCulture);
        }

        private static List<string> Tokenize(string expression)
        {
            var tokens = new List<string>();
            for (int i = 0; i < expression.Length;)
            {
                char c = expression[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                int start = i;
                if (char.IsLetterOrDigit(c) || c == '_')
                {
                    while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '_')) i++;
                }
                else if ((c == '<' || c == '>') && i + 1 < expression.Length && expression[i + 1] == c)
                    i += 2;
                else if ("|^&+-*~()".IndexOf(c) >= 0)
                    i++;
                else
                    throw new FormatException($"'{c}' is not part of an integer expression");
                tokens.Add(expression[start..i]);
            }
            return tokens;
        }
    }
}
