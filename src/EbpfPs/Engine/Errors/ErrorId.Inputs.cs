namespace EbpfPs.Engine.Errors;

/// <summary>Ids of inputs the kernel or PowerShell would refuse with a misleading or raw error of its own.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidArgument,
        "A -PinPath component is longer than bpffs takes (255 bytes), or the whole path longer than PATH_MAX (4095).")]
    public const string PinPathTooLong = nameof(PinPathTooLong);
    [Error(BpfErrorKind.InvalidArgument,
        "-PinPath (or a folder on the way to it) is a pinned map, program or link, or another file: pins go into a " +
        "folder.")]
    public const string PinPathIsNotAFolder = nameof(PinPathIsNotAFolder);
    [Error(BpfErrorKind.LimitsExceeded,
        "The state file is larger than a state file may be (512 KiB, or 100,000 keys and list items in all); the " +
        "message names the limit and the line; split it, or pass -State a hashtable built in a script.")]
    public const string StateFileTooLarge = nameof(StateFileTooLarge);
    [Error(BpfErrorKind.LimitsExceeded,
        "The state file (or -State) nests hashtables and lists more than 16 deep; the message names the line and " +
        "key.")]
    public const string StateFileTooDeep = nameof(StateFileTooDeep);
    [Error(BpfErrorKind.LimitsExceeded,
        "The tcx hook already holds the kernel's limit of 63 programs in that direction (BPF_MPROG_MAX, 64 slots " +
        "less the one that ends the list); the 64th attach is refused with ERANGE.")]
    public const string TcxHookFull = nameof(TcxHookFull);
}
