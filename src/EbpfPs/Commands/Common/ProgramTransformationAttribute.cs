using System;
using System.Linq;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Lets -Program take what a user has at hand: a built-in name, a program id (number or digits), a program
/// of Import-BpfObject's result, the object itself, a program from Get-BpfProgram, or an object file (a path
/// with a slash or ending in .o, or a FileInfo from Get-Item).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProgramTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject p ? p.BaseObject : inputData) switch
        {
            ProgramReference r => r,
            BpfLoadedProgram loaded => ProgramReference.Loaded(loaded),
            BpfObject obj => ProgramReference.Object(obj),
            BpfProgramInfo info => ProgramReference.Id(info.Id),
            int or uint or long or ulong or short or ushort or byte when IsProgramId(inputData) =>
                ProgramReference.Id(Convert.ToUInt32(inputData is PSObject w ? w.BaseObject : inputData)),
            int or uint or long or ulong or short or ushort or byte or sbyte => throw new
                ArgumentTransformationMetadataException($"{Unwrap(inputData)} is not a program id: ids run from 1 to " +
                    $"{uint.MaxValue}."),
            string name when uint.TryParse(name, out uint id) && id > 0 => ProgramReference.Id(id),
            string name when name.Length > 0 && name.All(char.IsAsciiDigit) => throw new
                ArgumentTransformationMetadataException($"{name} is not a program id: ids run from 1 to " +
                    $"{uint.MaxValue}."),
            // No built-in name has a slash or ends in .o: such a string is an object file, as is a FileInfo.
            string path when path.Contains('/') || path.EndsWith(".o", StringComparison.Ordinal) =>
                ProgramReference.File(engineIntrinsics.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)),
            System.IO.FileInfo file => ProgramReference.File(file.FullName),
            string name when name.Length > 0 => ProgramReference.Builtin(name),
            var other => throw new ArgumentTransformationMetadataException(
                "-Program takes a built-in name, a program id, an object file, or a program or object from " +
                $"Import-BpfObject or Get-BpfProgram, not {other?.GetType().Name ?? "null"}."),
        };

    private static object Unwrap(object value) => value is PSObject p ? p.BaseObject : value;

    private static bool IsProgramId(object value)
    {
        object v = value is PSObject p ? p.BaseObject : value;
        try { return Convert.ToDecimal(v) is >= 1 and <= uint.MaxValue; }
        catch (OverflowException) { return false; }
    }
}
