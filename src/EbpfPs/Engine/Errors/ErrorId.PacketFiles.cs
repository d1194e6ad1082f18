namespace EbpfPs.Engine.Errors;

/// <summary>Ids of packet files written for other tools.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidArgument,
        "Export-BpfTestPacket -Format Raw was given no packet or several: a raw file is one frame's bytes.")]
    public const string RawNeedsOnePacket = nameof(RawNeedsOnePacket);
}
