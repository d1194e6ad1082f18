using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using EbpfPs.Commands;
using EbpfPs.Engine.Attach;
using EbpfPs.Interop;
using EbpfPs.Tests.Conventions;
using EbpfPs.Tests.Fakes;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// PowerShell in the test process with EbpfPs imported: the very assembly the tests reference (so the
/// engine the cmdlets call sees the test's fake) and the format files the manifest names. Runspaces are
/// opened once and lent out, one per running test; each runs its pipelines on the calling thread, where
/// BpfSystem.Use has put that test's fake (an AsyncLocal does not cross to a pipeline thread of its own).
/// </summary>
internal static class PowerShellHost
{
    private static readonly ConcurrentBag<Runspace> Idle = new();
    private static readonly Lazy<InitialSessionState> State = new(CreateState);

    public static string Root => Repository.Root;

    /// <summary>The id PowerShell gives an error a cmdlet wrote: "ErrorId,Namespace.CmdletClass".</summary>
    public static string Fqid<TCmdlet>(string errorId) => $"{errorId},{typeof(TCmdlet).FullName}";

    /// <summary>Runs one pipeline against the fake; a terminating error is caught and returned, not thrown.</summary>
    public static PipelineResult Run(FakeBpfSystem fake, Action<PowerShell> build)
    {
        Runspace runspace = Idle.TryTake(out Runspace? idle) ? idle : Open();
        try
        {
            using IDisposable scope = BpfSystem.Use(fake);
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = runspace;
            build(ps);
            Collection<PSObject> output = new();
            RuntimeException? terminating = null;
            try
            {
                output = ps.Invoke();
            }
            catch (RuntimeException e)
            {
                terminating = e;
            }
            return new PipelineResult(output.Select(o => o.BaseObject).ToList(), ps.Streams.Error.ToList(),
                terminating) { Warnings = ps.Streams.Warning.Select(w => w.Message).ToList() };
        }
        finally
        {
            Idle.Add(runspace);
        }
    }

    /// <summary>
    /// Runs a script in a scope of its own, so what it sets ($ErrorActionPreference, say) does not reach the next
    /// test that borrows the runspace; parameters go to the script's param().
    /// </summary>
    public static PipelineResult Script(FakeBpfSystem fake, string script, IDictionary? parameters = null) =>
        Run(fake, ps =>
        {
            ps.AddScript(script, useLocalScope: true);
            if (parameters is not null)
                ps.AddParameters(parameters);
        });

    private static Runspace Open()
    {
        Runspace runspace = RunspaceFactory.CreateRunspace(State.Value);
        runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
        runspace.Open();
        return runspace;
    }

    private static InitialSessionState CreateState()
    {
        InitialSessionState state = InitialSessionState.CreateDefault2();
        // The loaded assembly's own path: importing it again resolves to the same assembly, and so to the same
        // BpfSystem the fake is installed in (a copy from out/EbpfPs would have statics of its own).
        state.ImportPSModule(new[] { typeof(Xdp).Assembly.Location });
        foreach (string format in FormatFiles)
            state.Formats.Add(new SessionStateFormatEntry(format));
        return state;
    }

    /// <summary>The module's format files (loaded by its first command), as full paths in the repository.</summary>
    public static IReadOnlyList<string> FormatFiles =>
        DeferredModuleData.FormatFiles.Select(f => Path.Combine(Root, "formats", f)).ToArray();
}

/// <summary>What a pipeline gave: its output (base objects), its non-terminating errors, the terminating one.</summary>
internal sealed record PipelineResult(IReadOnlyList<object> Output, IReadOnlyList<ErrorRecord> Errors,
    RuntimeException? Terminating)
{
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    public IEnumerable<T> Of<T>() => Output.OfType<T>();

    /// <summary>Every error, the terminating one last.</summary>
    public IEnumerable<ErrorRecord> AllErrors => Terminating?.ErrorRecord is ErrorRecord t ? Errors.Append(t) : Errors;

    public override string ToString() =>
        $"{Output.Count} objects; errors: "
        + string.Join("; ", AllErrors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
}
