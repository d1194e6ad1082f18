using System;
using System.Management.Automation;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Commands;

/// <summary>The one place a BpfException becomes an ErrorRecord: category, details, verifier log, advice.</summary>
public static class ErrorRecords
{
    public static ErrorRecord From(BpfException e, object? target = null)
    {
        var record = new ErrorRecord(e, e.ErrorId, CategoryOf(e.Kind), e.Target ?? target);
        string message = e.VerifierLog is null
            ? e.Message
            : e.Message + Environment.NewLine + (e.ErrorId == ErrorId.BtfRejected ? "BTF log:" : "Verifier log:")
              + Environment.NewLine + e.VerifierLog.TrimEnd();
        record.ErrorDetails = new ErrorDetails(message);
        if (e.RecommendedAction is not null)
            record.ErrorDetails.RecommendedAction = e.RecommendedAction;
        return record;
    }

    public static ErrorCategory CategoryOf(BpfErrorKind kind) => kind switch
    {
        BpfErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        BpfErrorKind.InvalidData => ErrorCategory.InvalidData,
        BpfErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        BpfErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        BpfErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        BpfErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        BpfErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        BpfErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        BpfErrorKind.NotInstalled => ErrorCategory.NotInstalled,
        _ => ErrorCategory.NotSpecified,
    };
}
