using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using EbpfPs.Engine;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>
/// Completes -ProgramName from the object the command names: the file of -Path, -LiteralPath or -Program, the
/// built-in of -Program (in the build for the command's hook), or a loaded object; nothing when none is named.
/// </summary>
public sealed class ObjectProgramNameCompleter : CompleterBase
{
    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary bound)
    {
        object? program = bound.Contains("Program") ? bound["Program"] : null;
        program = program is PSObject p ? p.BaseObject : program;
        if (program is BpfObject loaded)
            return loaded.Programs.Select(x => x.Name);
        if (program is ProgramReference)
            return Array.Empty<string>();
        string? file = BoundStrings(bound, "LiteralPath").Concat(BoundStrings(bound, "Path")).FirstOrDefault();
        if (file is null && program is string named && named.Length > 0)
            file = named.Contains('/') || named.EndsWith(".o", StringComparison.Ordinal) ? named
                : BuiltinObjects.Resolve(named, HookOf(bound));
        if (file is null || !NativeRuntime.LibbpfPresent)
            return Array.Empty<string>();
        file = System.IO.Path.GetFullPath(file, CurrentDirectory());
        if (BpfFs.IsOnBpfFs(file))
            return Array.Empty<string>();
        try
        {
            return ObjectFilePrograms.Names(file);
        }
        finally
        {
            // Opening the file to list it is no command's work: its libbpf lines are not shown with the next one's.
            LibbpfLog.Drain();
        }
    }

    /// <summary>The hook a built-in is completed for: -Hook as given, else the command's (Tc for *-TcProgram).
    /// </summary>
    private BpfHookKind HookOf(IDictionary bound)
    {
        string hook = BoundStrings(bound, "Hook").FirstOrDefault()
            ?? (CommandName.EndsWith("-TcProgram", StringComparison.OrdinalIgnoreCase) ? "Tc" : "Xdp");
        return hook.StartsWith("Tc", StringComparison.OrdinalIgnoreCase) ? BpfHookKind.Tc : BpfHookKind.Xdp;
    }
}

/// <summary>
/// Completes -Program: the built-in names, and object files (*.o), folders and pins as paths are completed, so
/// `-Program ./gu` offers ./guard.o.
/// </summary>
public sealed class ProgramCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName,
        string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = wordToComplete ?? "";
        bool path = word.Contains('/') || word.StartsWith('.') || word.StartsWith('~');
        var results = new List<CompletionResult>();
        if (!path)
            results.AddRange(new BuiltinProgramCompleter().CompleteArgument(commandName, parameterName, word,
                commandAst, fakeBoundParameters));
        if (word.Length == 0)
            return results;
        try
        {
            results.AddRange(CompletionCompleters.CompleteFilename(word).Where(r =>
                r.ResultType == CompletionResultType.ProviderContainer ? path
                    : r.ListItemText.EndsWith(".o", StringComparison.Ordinal) || OnBpfFs(r)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Completion never fails the line being typed: without files, the built-ins are still offered.
        }
        return results;
    }

    private static bool OnBpfFs(CompletionResult r) =>
        r.ToolTip.StartsWith('/') && BpfFs.IsOnBpfFs(r.ToolTip);
}
