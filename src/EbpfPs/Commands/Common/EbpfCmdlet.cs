using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>
/// Base of every EbpfPs cmdlet: checks libbpf once, runs engine calls, shows libbpf's log with
/// -Debug and what the cmdlet did with -Verbose, and maps BpfException to ErrorRecords in one place.
/// </summary>
public abstract class EbpfCmdlet : PSCmdlet
{
    /// <summary>Set by cmdlets that need no libbpf (e.g. only netlink or namespaces).</summary>
    protected virtual bool NeedsLibbpf => true;

    /// <summary>
    /// What the process must be allowed to do, checked before anything else (bpf() by default for cmdlets that
    /// need libbpf); a process without it stops with PermissionDenied naming the capabilities to grant.
    /// </summary>
    protected virtual Privilege Needs => NeedsLibbpf ? Privilege.Bpf : Privilege.None;

    protected override void BeginProcessing()
    {
        DeferredModuleData.EnsureLoaded(InvokeCommand);
        DebugWithoutPrompts();
        if (NeedsLibbpf)
            Run(NativeRuntime.EnsureLibbpf, terminating: true);
        Run(() => Privileges.Require(Needs, MyInvocation.MyCommand.Name), terminating: true);
    }

    /// <summary>
    /// Runs an engine call; a BpfException becomes a non-terminating error unless it means nothing can go on.
    /// </summary>
    protected void Run(Action action, object? target = null, bool terminating = false)
    {
        try
        {
            action();
        }
        catch (BpfException e)
        {
            ErrorRecord record = ErrorRecords.From(e, target);
            if (terminating || e.Kind is BpfErrorKind.PermissionDenied or BpfErrorKind.NotInstalled)
                ThrowTerminatingError(record);
            WriteError(record);
        }
        finally
        {
            FlushLibbpfLog();
        }
    }

    /// <summary>
    /// Writes each item of a lazily produced sequence, so one failure stops the rest but not what was written.
    /// The sequence is made inside Run: an engine call that fails while producing it becomes an ErrorRecord
    /// (an argument evaluated before Run would escape as a raw exception).
    /// </summary>
    protected void WriteEach<T>(Func<IEnumerable<T>> items, object? target = null) =>
        Run(() => { foreach (T item in items()) WriteCounted(item); }, target);

    /// <summary>How many objects WriteEach and WriteCounted wrote, for a Get- cmdlet's -Verbose summary.</summary>
    protected long Written { get; private set; }

    protected void WriteCounted(object? item)
    {
        Written++;
        WriteObject(item);
    }

    /// <summary>What the cmdlet read, said with -Verbose when it is done ("Read 12 programs.") or null.</summary>
    protected virtual string? Summary => null;

    protected override void EndProcessing()
    {
        if (Summary is string summary)
            WriteVerbose(summary);
    }

    /// <summary>Stops the command with an engine error (a bad combination of parameters, say).</summary>
    protected void Terminate(BpfException e) => ThrowTerminatingError(ErrorRecords.From(e));

    /// <summary>
    /// -Debug on a compiled cmdlet means Inquire for debug and verbose lines: a prompt for every libbpf line (an
    /// error in a non-interactive session). As for an advanced function, it means Continue here: shown, not asked.
    /// </summary>
    private void DebugWithoutPrompts()
    {
        if (!MyInvocation.BoundParameters.TryGetValue("Debug", out object? flag) || flag is not SwitchParameter
            { IsPresent: true })
            return;
        const System.Reflection.BindingFlags Internal =
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic;
        System.Reflection.PropertyInfo? debug = CommandRuntime.GetType().GetProperty("DebugPreference", Internal);
        if (debug?.CanWrite == true && debug.PropertyType == typeof(ActionPreference))
            debug.SetValue(CommandRuntime, ActionPreference.Continue);
        // Verbose follows -Debug unless -Verbose is given; its preference has no setter, the -Verbose flag does.
        System.Reflection.PropertyInfo? verbose = CommandRuntime.GetType().GetProperty("Verbose", Internal);
        if (!MyInvocation.BoundParameters.ContainsKey("Verbose") && verbose?.CanWrite == true)
            verbose.SetValue(CommandRuntime, verbose.PropertyType == typeof(bool) ? true : new SwitchParameter(true));
    }

    /// <summary>libbpf's own lines go to -Debug, prefixed once (libbpf starts most with "libbpf: " itself).</summary>
    protected void FlushLibbpfLog()
    {
        foreach (string line in LibbpfLog.Drain())
            WriteDebug(line.StartsWith("libbpf: ", StringComparison.Ordinal) ? line : "libbpf: " + line);
    }

    /// <summary>
    /// Resolves -Path (wildcards allowed, must exist) or -LiteralPath (taken as written) to file-system paths.
    /// </summary>
    protected IEnumerable<string> ResolvePaths(string[]? paths, bool literal)
    {
        if (paths is null) yield break;
        foreach (string path in paths)
        {
            if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
            {
                yield return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                continue;
            }
            Collection<string> matched = ResolveWildcard(path, out BpfException? none);
            foreach (string r in matched)
                yield return r;
            if (none is not null)
                WriteError(ErrorRecords.From(none));
        }
    }

    /// <summary>
    /// The files a -Path pattern matches; none is PathNotFound (returned, so the caller decides how to report it).
    /// </summary>
    protected Collection<string> ResolveWildcard(string pattern, out BpfException? none)
    {
        Collection<string>? resolved = null;
        try
        {
            resolved = GetResolvedProviderPathFromPSPath(pattern, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or DriveNotFoundException or ProviderNotFoundException)
        {
        }
        none = resolved is { Count: > 0 } ? null
            : new BpfException(ErrorId.PathNotFound, $"-Path '{pattern}' matches no file.", pattern);
        return resolved ?? new Collection<string>();
    }
}
