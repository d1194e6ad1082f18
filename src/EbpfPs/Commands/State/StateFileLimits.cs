using System.Globalization;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>
/// How much of a state file the reader takes. A state file comes from elsewhere (a repository, a fleet's share),
/// so its size bounds the time and memory a read may cost: the limits are checked as the reader goes, each
/// refusal names the limit, its value and where in the file it was passed. Real files are far below them: a
/// program entry is about 150 bytes and 8 values, a map entry about 40 bytes and 4 values.
/// </summary>
internal static class StateFileLimits
{
    /// <summary>512 KiB: thousands of attachments or map entries; checked before the file is parsed.</summary>
    internal const long MaxBytes = 512 * 1024;

    /// <summary>Keys and list items in all: 10,000 map entries take about 40,000.</summary>
    internal const int MaxValues = 100_000;

    /// <summary>
    /// Hashtables and lists inside each other: a map entry's value sits at depth 6 (the file, Maps, a map,
    /// Entries, an entry, its Value), which leaves ten levels of nested structs and arrays.
    /// </summary>
    internal const int MaxDepth = 16;

    internal static BpfException TooManyBytes(string path, long bytes) => new(ErrorId.StateFileTooLarge,
        $"{Name(path)} holds {N(bytes)} bytes; a state file takes at most {N(MaxBytes)} bytes (512 KiB).", path,
        recommendedAction: Split);

    internal static BpfException TooManyValues(string path, int line) => new(ErrorId.StateFileTooLarge,
        $"{Name(path)} line {line}: the file holds more than {N(MaxValues)} keys and list items, the most a " +
        "state file takes.", path, recommendedAction: Split);

    internal static BpfException TooDeep(string path, int line, string key) => new(ErrorId.StateFileTooDeep,
        $"{Name(path)} line {line} ({key}): hashtables and lists are nested more than {MaxDepth} deep, the most " +
        "a state file takes.", path,
        recommendedAction: "A map value nests as its struct does; look for a value wrapped in itself.");

    /// <summary>-State given a value nested deeper than a file may be (a hashtable that holds itself, say).</summary>
    internal static BpfException TooDeepState() => new(ErrorId.StateFileTooDeep,
        $"-State nests hashtables, objects and lists more than {MaxDepth} deep, the most a state takes (a hashtable " +
        "that holds itself does).", "State");

    /// <summary>The parser's own refusal of deep nesting (thousands of levels), said as the depth limit.</summary>
    internal static BpfException TooDeepToParse(string path, int line) => new(ErrorId.StateFileTooDeep,
        $"{Name(path)} line {line}: hashtables and lists are nested too deep to parse; a state file takes at " +
        $"most {MaxDepth} levels.", path);

    private const string Split = "Split the state into several files, or build the hashtable in a script and " +
        "pass it to -State.";

    private static string Name(string path) => System.IO.Path.GetFileName(path);

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
