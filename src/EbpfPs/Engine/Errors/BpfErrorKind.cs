namespace EbpfPs.Engine.Errors;

/// <summary>What went wrong, in terms a caller can act on; cmdlets map it to an ErrorCategory.</summary>
public enum BpfErrorKind
{
    OperationFailed,
    NotFound,
    InvalidData,
    InvalidArgument,
    PermissionDenied,
    ResourceExists,
    ResourceBusy,
    NotImplemented,
    LimitsExceeded,
    NotInstalled,
}
