namespace EbpfPs.Engine.Errors;

/// <summary>Ids of desired-state runs that meet another run at work.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.ResourceBusy,
        "Another Set-BpfState held the state lock of a network namespace the state names for longer than -Timeout; " +
        "the message names the holder's pid and command line. Nothing was changed.")]
    public const string StateLocked = nameof(StateLocked);
}
