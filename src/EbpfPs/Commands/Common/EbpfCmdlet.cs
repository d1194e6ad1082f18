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

    protected override void BeginProcessing()
    {
        if (NeedsLibbpf)
            Run(NativeRuntime.EnsureLibbpf, terminating: true);
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
    /// </summary>
    protected void WriteEach<T>(IEnumerable<T> items, object? target = null) =>
        Run(() => { foreach (T item in items) WriteObject(item); }, target);

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
            Collection<string>? resolved = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(path, out _);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, ErrorId.PathNotFound, ErrorCategory.ObjectNotFound, path));
            }
            if (resolved is not null)
                foreach (string r in resolved)
                    yield return r;
        }
    }
}
