using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation.Language;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;

namespace EbpfPs.Commands;

/// <summary>
/// Reads a desired-state .psd1 as data: the parser's constants only (nothing runs, as with
/// Import-PowerShellDataFile), in one walk beside the document's shape that checks each hashtable's keys before
/// it reads their values, counts values and depth against StateFileLimits, and remembers the line of every key
/// and list item so errors can point at them. Every node is visited once, so the time is linear in the file.
/// </summary>
internal static class StateFileReader
{
    internal static BpfStateDocument Read(string path)
    {
        if (Directory.Exists(path))
            throw new BpfException(ErrorId.NotARegularFile,
                $"'{path}' is a directory, not a state file; a state file is a .psd1 data file.", path);
        if (!File.Exists(path))
            throw new BpfException(ErrorId.PathNotFound, $"State file '{path}' does not exist.", path);
        ScriptBlockAst ast = Parser.ParseInput(ReadText(path), path, out _, out ParseError[] errors);
        if (errors.Length > 0)
            throw errors[0].ErrorId == "ScriptTooComplicated"
                ? StateFileLimits.TooDeepToParse(path, errors[0].Extent.StartLineNumber)
                : new BpfException(ErrorId.InvalidStateFile,
                    $"{Path.GetFileName(path)} line {errors[0].Extent.StartLineNumber}: {errors[0].Message}", path);
        HashtableAst table = TopHashtable(ast)
            ?? throw new BpfException(ErrorId.InvalidStateFile,
                $"{Path.GetFileName(path)}: a state file holds one hashtable, @{{ Programs = ...; Maps = " +
                "... }.", path);
        var walk = new StateFileWalk(path);
        var root = (IDictionary)walk.Value(table, StateShape.Root, "", 1)!;
        return BpfStateDocument.Parse(root, path, Path.GetDirectoryName(path) ?? ".",
            key => walk.Lines.TryGetValue(key, out int l) ? l : null);
    }

    /// <summary>The file's text, refused before parsing when it is larger than a state file may be.</summary>
    private static string ReadText(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        if (stream.Length > StateFileLimits.MaxBytes)
            throw StateFileLimits.TooManyBytes(path, stream.Length);
        // Read at most one byte past the limit: a file that grows after the length was taken is refused too.
        var buffer = new byte[StateFileLimits.MaxBytes + 1];
        int total = 0, got;
        while (total < buffer.Length && (got = stream.Read(buffer, total, buffer.Length - total)) > 0)
            total += got;
        if (total > StateFileLimits.MaxBytes)
            throw StateFileLimits.TooManyBytes(path, Math.Max(total, stream.Length));
        using var reader = new StreamReader(new MemoryStream(buffer, 0, total), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static HashtableAst? TopHashtable(ScriptBlockAst ast)
    {
        if (ast.ParamBlock is not null || ast.UsingStatements.Count > 0 || ast.BeginBlock is not null
            || ast.ProcessBlock is not null || ast.EndBlock?.Statements.Count != 1)
            return null;
        return (ast.EndBlock.Statements[0] as PipelineAst)?.GetPureExpression() as HashtableAst;
    }
}
