using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>
/// The cmdlets that run or attach a program take it the same ways: -Program (a built-in name, a loaded
/// program or object, a kernel program or id), or an object file by -Path/-LiteralPath, with -ProgramName
/// choosing among several programs.
/// </summary>
public abstract class ProgramCommandBase : EbpfCmdlet
{
    protected const string ProgramSet = "Program", PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>
    /// A built-in program name, an object from Import-BpfObject or Get-BpfProgram, a program id, an object file or
    /// a pinned program's path; programs of Import-BpfObject's result and Get-BpfProgram's come by the pipeline too.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ProgramSet, ValueFromPipeline = true)]
    [ProgramTransformation]
    [ArgumentCompleter(typeof(ProgramCompleter))]
    public ProgramReference Program { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    /// <summary>Which program of the object, when it has several; it is loaded alone, the others left out.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ObjectProgramNameCompleter))]
    public string? ProgramName { get; set; }

    /// <summary>
    /// A bpffs folder to pin the programs and maps of the object this command loads under (a built-in or a file;
    /// maps pinned by name go there too), as Import-BpfObject -PinPath does; the pins outlive the command.
    /// </summary>
    [Parameter]
    public string? PinPath { get; set; }

    /// <summary>-PinPath as a file-system path, or null.</summary>
    protected string? UserPinPath =>
        PinPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PinPath);

    /// <summary>
    /// What the user named, for messages and results. Taken from the parameters as given, never by resolving
    /// them: it is evaluated as an argument of Run, where a failure would escape as a raw exception.
    /// </summary>
    protected string ProgramLabel => ParameterSetName switch
    {
        ProgramSet => Program.Label,
        LiteralPathSet => System.IO.Path.GetFileName(LiteralPath),
        _ => System.IO.Path.GetFileName(Path),
    };

    /// <summary>Opens the program for a hook: built-ins resolve to that hook's build; -PinPath applies.</summary>
    protected AttachableProgram OpenProgram(BpfHookKind hook) => OpenProgram(hook, UserPinPath);

    /// <summary>Opens the program; what this call loads is pinned under pinDirectory if given.</summary>
    protected AttachableProgram OpenProgram(BpfHookKind hook, string? pinDirectory) =>
        OpenProgram(Reference(), hook, pinDirectory);

    /// <summary>
    /// Opens a program -Program was bound to earlier in the pipeline (a command that gathers input before it
    /// attaches keeps each record's program; null: the file of -Path or -LiteralPath). An attach command passes
    /// attach, so a load shares maps with what runs already (AttachLoad).
    /// </summary>
    protected AttachableProgram OpenProgram(ProgramReference? reference, BpfHookKind hook, string? pinDirectory,
        AttachLoad? attach = null)
    {
        reference ??= Reference();
        if (PinPath is not null && !reference.LoadsObject)
            throw new BpfException(ErrorId.PinPathNotApplicable,
                $"-PinPath pins what this command loads, and program '{reference.Label}' is loaded already.",
                PinPath, recommendedAction: "Pin an object when loading it (Import-BpfObject -PinPath), or give a " +
                    "built-in name or an object file with -PinPath.");
        return reference.Open(hook, ProgramName, pinDirectory, attach);
    }

    private ProgramReference? _file;

    // -Program may change with each pipeline record, so only a file's reference is kept.
    private ProgramReference Reference() => ParameterSetName == ProgramSet ? Program : _file ??= ParameterSetName switch
    {
        LiteralPathSet => ProgramReference.File(SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath)),
        _ => ProgramReference.File(SingleFile(Path)),
    };

    /// <summary>
    /// One program comes from one file: a -Path pattern that matches several is refused, not cut to the first.
    /// </summary>
    private string SingleFile(string pattern)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(pattern))
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
        var files = ResolveWildcard(pattern, out BpfException? none);
        if (none is not null)
            throw none;
        if (files.Count != 1)
            throw new BpfException(ErrorId.PathAmbiguous,
                $"-Path '{pattern}' matches {files.Count} files ({string.Join(", ", files)}); name one object file.",
                    pattern);
        return files[0];
    }
}
