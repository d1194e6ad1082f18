namespace EbpfPs.Engine.Errors;

/// <summary>Ids of reading a program's code, pinning what is loaded and creating maps (bpftool's prog dump, pin
/// and map create).</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.NotFound,
        "The kernel gives no code of that kind for the program: no machine code for -Jited (the JIT is off, or the " +
        "program was loaded before it was on), or no instructions (kernel.kptr_restrict or missing privilege).")]
    public const string ProgramCodeNotAvailable = nameof(ProgramCodeNotAvailable);
    [Error(BpfErrorKind.InvalidArgument,
        "A map name is empty, longer than the 15 bytes the kernel keeps, or has characters other than letters, " +
        "digits, '_' and '.'.")]
    public const string MapNameInvalid = nameof(MapNameInvalid);
    [Error(BpfErrorKind.InvalidArgument,
        "-Type names no map type this libbpf knows (the message lists them; bpftool spells them the same).")]
    public const string MapTypeUnknown = nameof(MapTypeUnknown);
    [Error(BpfErrorKind.InvalidArgument,
        "New-BpfPin was given an object that is not a program, map or link (from Get-BpfProgram, Get-BpfMap, " +
        "Get-BpfLink or Import-BpfObject).")]
    public const string NotAPinnableObject = nameof(NotAPinnableObject);
}
