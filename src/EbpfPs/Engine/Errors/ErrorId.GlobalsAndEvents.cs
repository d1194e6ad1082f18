namespace EbpfPs.Engine.Errors;

/// <summary>Ids of global variables, map sizes before load, program-holding maps and event streams.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidArgument, "The map holds .rodata variables, frozen at load; set them with -Variable.")]
    public const string GlobalVariableReadOnly = nameof(GlobalVariableReadOnly);
    [Error(BpfErrorKind.InvalidArgument, "A -MaxEntries value is not a whole number from 1 to 4294967295.")]
    public const string InvalidMaxEntries = nameof(InvalidMaxEntries);
    [Error(BpfErrorKind.InvalidArgument, "The pin holds a map where a program is needed, or a program for a map.")]
    public const string PinnedObjectWrongKind = nameof(PinnedObjectWrongKind);

    [Error(BpfErrorKind.InvalidArgument, "The map is not a ring buffer or perf event array.")]
    public const string EventMapTypeUnsupported = nameof(EventMapTypeUnsupported);
    [Error(BpfErrorKind.NotFound, "-TypeName names no type in the BTF of the map or of the programs using it.")]
    public const string EventTypeNotFound = nameof(EventTypeNotFound);
    [Error(BpfErrorKind.OperationFailed,
        "libbpf could not open or poll the event reader; the category follows the errno.", FollowsErrno = true)]
    public const string EventReaderFailed = nameof(EventReaderFailed);
    [Error(BpfErrorKind.InvalidData, "A record is shorter than the type named with -TypeName.")]
    public const string EventTooShort = nameof(EventTooShort);
}
