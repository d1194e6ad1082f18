using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>What -Program may be, in every cmdlet that takes one: a built-in name, a loaded program or object, a kernel program or its id.</summary>
internal static class ProgramArgument
{
    /// <summary>Opens the program; a built-in loads with its by-name map pins under pinDirectory if given.</summary>
    internal static AttachableProgram Open(object program, BpfHookKind hook, string? programName,
        string? pinDirectory = null)
    {
        object value = program is PSObject p ? p.BaseObject : program;
        return value switch
        {
            BpfLoadedProgram loaded => AttachableProgram.FromLoaded(loaded),
            BpfObject obj => AttachableProgram.FromLoaded(obj.GetProgram(programName)),
            BpfProgramInfo info => AttachableProgram.FromId(info.Id),
            int or uint or long => AttachableProgram.FromId(System.Convert.ToUInt32(value)),
            string name when uint.TryParse(name, out uint id) => AttachableProgram.FromId(id),
            string name => AttachableProgram.FromBuiltin(name, hook, programName, pinDirectory),
            _ => throw new BpfException("UnsupportedProgramInput", BpfErrorKind.InvalidArgument,
                $"-Program takes a built-in name, a program id, or an object from Import-BpfObject or Get-BpfProgram, not {value.GetType().Name}.", value),
        };
    }

    internal static string Label(object program) => (program is PSObject p ? p.BaseObject : program) switch
    {
        string s => s,
        BpfLoadedProgram l => l.Name,
        BpfObject o => o.Name,
        BpfProgramInfo i => i.Name,
        var other => other.ToString() ?? "",
    };
}
