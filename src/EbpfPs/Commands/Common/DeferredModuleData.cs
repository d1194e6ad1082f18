using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace EbpfPs.Commands;

/// <summary>
/// The module's type and format files, loaded into a session by its first command instead of by Import-Module.
/// PowerShell reads a manifest's TypesToProcess and FormatsToProcess with an XML loader that the dotnet-tool pwsh
/// has to JIT first: that was over half of what importing cost. The module's own objects only come from its
/// cmdlets, which load the files before they write anything; objects that arrive without one (Invoke-Command from
/// a fleet, Import-Clixml) are formatted by a later command, so the first command looked up in the session after
/// the import loads them too.
/// </summary>
public static class DeferredModuleData
{
    /// <summary>Type files (ETS: serialization depth, flat exports), in load order.</summary>
    public static IReadOnlyList<string> TypeFiles { get; } = new[] { "Remoting.Types.ps1xml", "Export.Types.ps1xml" };

    /// <summary>
    /// Format files, in load order: Inspection (named views such as -View Statistics) after the files that hold
    /// the default views, so a named view never becomes a type's default.
    /// </summary>
    public static IReadOnlyList<string> FormatFiles { get; } = new[]
    {
        "EbpfPs.Objects.Format.ps1xml", "Attach.Format.ps1xml", "Measure.Format.ps1xml", "Maps.Format.ps1xml",
        "Testing.Format.ps1xml", "Fleet.Format.ps1xml", "Code.Format.ps1xml", "Inspection.Format.ps1xml",
        "Events.Format.ps1xml",
    };

    // Which runspaces have the files: each runspace that imports the module has a type and format table of its own.
    private static readonly ConditionalWeakTable<Runspace, object> Loaded = new();

    // Beside the assembly; none when the assembly is imported on its own (as the unit tests' runspaces do). Looked
    // for once, not by every cmdlet of such a session.
    private static readonly string? Folder = FormatsFolder();

    private static string? FormatsFolder()
    {
        string folder = Path.Combine(Path.GetDirectoryName(typeof(DeferredModuleData).Assembly.Location)!, "formats");
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>At import: the next command looked up in this runspace loads the files.</summary>
    public static void LoadOnNextCommand()
    {
        if (Folder is null || Runspace.DefaultRunspace is not Runspace runspace || Loaded.TryGetValue(runspace, out _))
            return;
        // A session state made here belongs to the runspace on this thread and hands out the engine's own command
        // intrinsics, the ones command lookup consults (the runspace's proxy refuses calls while Import-Module
        // runs; a script asking for $ExecutionContext cost 10-30 ms of JIT).
        CommandInvocationIntrinsics commands = new SessionState().InvokeCommand;
        EventHandler<CommandLookupEventArgs>? once = null;
        once = (_, _) =>
        {
            commands.PostCommandLookupAction -= once;
            EnsureLoaded(commands);
        };
        // Combined with whatever handler the session has, and removed again by itself.
        commands.PostCommandLookupAction += once;
    }

    /// <summary>Loads the files into the current runspace once; a cmdlet calls this before writing anything.</summary>
    public static void EnsureLoaded(CommandInvocationIntrinsics commands)
    {
        if (Folder is not string folder || Runspace.DefaultRunspace is not Runspace runspace
            || Loaded.TryGetValue(runspace, out _))
            return;
        Loaded.AddOrUpdate(runspace, folder);
        string[] types = TypeFiles.Select(f => Path.Combine(folder, f)).ToArray();
        string[] formats = FormatFiles.Select(f => Path.Combine(folder, f)).ToArray();
        try
        {
            commands.InvokeScript(false, ScriptBlock.Create(LoadScript), null, types, formats);
        }
        catch (RuntimeException)
        {
            // A lookup in an odd place (a nested prompt's teardown, say) must not fail the user's command; the
            // module's next cmdlet tries again.
            Loaded.Remove(runspace);
        }
    }

    private const string LoadScript =
        "param([string[]] $types, [string[]] $formats) " +
        "Microsoft.PowerShell.Utility\\Update-TypeData -AppendPath $types; " +
        "Microsoft.PowerShell.Utility\\Update-FormatData -AppendPath $formats";
}
