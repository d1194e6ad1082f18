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
}
