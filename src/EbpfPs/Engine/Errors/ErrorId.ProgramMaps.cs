namespace EbpfPs.Engine.Errors;

/// <summary>Ids of the way from a program or attachment to its maps.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.NotFound, "-MapName names no map the program uses; the message lists the ones it does.")]
    public const string BpfMapNotInProgram = nameof(BpfMapNotInProgram);
}
