namespace EbpfPs.Engine.Errors;

/// <summary>Ids of charts drawn from hook measurements.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidArgument,
        "Export-BpfHookChart was given a row that is not a hook measurement (no Program, Hook, PacketSize, " +
        "PacketsPerSecond or BitsPerSecond), or no rows at all.")]
    public const string NotAHookMeasurement = nameof(NotAHookMeasurement);
}
