using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>
/// Base of every EbpfPs cmdlet: checks libbpf once, runs engine calls, shows libbpf's log with
/// -Verbose and maps BpfException to ErrorRecords in one place.
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
        Run(() => { foreach (T item in items()) WriteObject(item); }, target);

    /// <summary>Stops the command with an engine error (a bad combination of parameters, say).</summary>
    protected void Terminate(BpfException e) => ThrowTerminatingError(ErrorRecords.From(e));

    protected void FlushLibbpfLog()
    {
        foreach (string line in LibbpfLog.Drain())
            WriteVerbose("libbpf: " + line);
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
