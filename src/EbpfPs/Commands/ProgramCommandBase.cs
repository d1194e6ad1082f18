using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>
/// The cmdlets that run or attach a program take it the same ways: -Program (a built-in name, a loaded
/// program or object, a kernel program or id), or an object file by -Path/-LiteralPath, with -ProgramName
/// choosing among several programs.
/// </summary>
public abstract class ProgramCommandBase : EbpfCmdlet
{
    protected const string ProgramSet = "Program", PathSet = "Path", LiteralPathSet = "LiteralPath";

    /// <summary>A built-in program name, an object from Import-BpfObject or Get-BpfProgram, or a program id.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ProgramSet)]
    [ArgumentCompleter(typeof(BuiltinProgramCompleter))]
    public object Program { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    /// <summary>Which program of the object, when it has several.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(BuiltinProgramCompleter))]
    public string? ProgramName { get; set; }

    /// <summary>What the user named, for messages and results.</summary>
    protected string ProgramLabel => ParameterSetName == ProgramSet ? ProgramArgument.Label(Program) : System.IO.Path.GetFileName(Path ?? LiteralPath);

    /// <summary>Opens the program for a hook: built-ins resolve to that hook's build.</summary>
    protected AttachableProgram OpenProgram(BpfHookKind hook) => OpenProgram(hook, null);

    /// <summary>Opens the program; what this call loads pins its by-name maps under pinDirectory if given.</summary>
    protected AttachableProgram OpenProgram(BpfHookKind hook, string? pinDirectory)
    {
        if (ParameterSetName == ProgramSet)
            return ProgramArgument.Open(Program, hook, ProgramName, pinDirectory);
        string file = ParameterSetName == PathSet
            ? GetResolvedProviderPathFromPSPath(Path, out _)[0]
            : SessionState.Path.GetUnresolvedProviderPathFromPSPath(LiteralPath);
        return AttachableProgram.FromFile(file, ProgramName, hook, pinDirectory);
    }
}
