using System;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Errors;

/// <summary>
/// The one exception the engine throws for kernel, libbpf and input failures. ErrorId is stable (see
/// ErrorId) so scripts and tests can match on it; Errno and VerifierLog carry what the kernel said.
/// </summary>
public sealed class BpfException : Exception
{
    /// <summary>A failure of a catalogued kind: the kind comes from the ErrorId catalog.</summary>
    public BpfException(string errorId, string message, object? target = null, int errno = 0,
        string? verifierLog = null,
        string? recommendedAction = null, Exception? inner = null)
        : this(errorId, ErrorCatalog.Get(errorId).Kind, message, target, errno, verifierLog, recommendedAction, inner)
    {
    }

    private BpfException(string errorId, BpfErrorKind kind, string message, object? target, int errno,
        string? verifierLog,
        string? recommendedAction, Exception? inner)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
        Errno = errno;
        VerifierLog = string.IsNullOrWhiteSpace(verifierLog) ? null : verifierLog;
        RecommendedAction = recommendedAction;
    }

    public string ErrorId { get; }
    public BpfErrorKind Kind { get; }
    public object? Target { get; }
    public int Errno { get; }
    public string? VerifierLog { get; }
    public string? RecommendedAction { get; }

    public const string PrivilegeAdvice =
        "Run as root, or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (CAP_SYS_ADMIN on older kernels).";

    /// <summary>The same failure told in other words (with what libbpf said, say); id, kind and errno stay.</summary>
    internal BpfException WithMessage(string message) =>
        new(ErrorId, Kind, message, Target, Errno, VerifierLog, RecommendedAction, InnerException);

    /// <summary>
    /// A failed kernel call: the kind (and the advice) follow from errno, the id from what was being done.
    /// </summary>
    public static BpfException FromErrno(int errno, string operation, object? target = null, string? errorId = null)
    {
        errno = Math.Abs(errno);
        BpfErrorKind kind = KindOf((Errno)errno);
        string what = target is null ? operation : $"{operation} '{target}'";
        string id = errorId ?? DefaultErrorId(kind);
        ErrorCatalog.Get(id);
        return new BpfException(id, kind, $"Cannot {what}: {ErrnoText.Describe(errno)} (errno {errno}).", target,
            errno, null,
            kind == BpfErrorKind.PermissionDenied ? PrivilegeAdvice : null, null);
    }

    internal static BpfErrorKind KindOf(Errno errno) => errno switch
    {
        Interop.Errno.EPERM or Interop.Errno.EACCES => BpfErrorKind.PermissionDenied,
        Interop.Errno.ENOENT or Interop.Errno.ENODEV or Interop.Errno.ESRCH => BpfErrorKind.NotFound,
        Interop.Errno.EEXIST => BpfErrorKind.ResourceExists,
        Interop.Errno.EBUSY => BpfErrorKind.ResourceBusy,
        Interop.Errno.EINVAL or Interop.Errno.EBADF => BpfErrorKind.InvalidArgument,
        Interop.Errno.EOPNOTSUPP or Interop.Errno.ENOTSUPP or Interop.Errno.ENOSYS => BpfErrorKind.NotImplemented,
        Interop.Errno.E2BIG or Interop.Errno.ENOSPC or Interop.Errno.ENOMEM => BpfErrorKind.LimitsExceeded,
        _ when ErrnoText.IsLibbpfCode(errno) => BpfErrorKind.InvalidData,
        _ => BpfErrorKind.OperationFailed,
    };

    private static string DefaultErrorId(BpfErrorKind kind) => kind switch
    {
        BpfErrorKind.PermissionDenied => Errors.ErrorId.PermissionDenied,
        BpfErrorKind.NotFound => Errors.ErrorId.NotFound,
        BpfErrorKind.ResourceExists => Errors.ErrorId.ResourceExists,
        BpfErrorKind.ResourceBusy => Errors.ErrorId.ResourceBusy,
        BpfErrorKind.InvalidArgument => Errors.ErrorId.InvalidArgument,
        BpfErrorKind.NotImplemented => Errors.ErrorId.NotSupported,
        BpfErrorKind.LimitsExceeded => Errors.ErrorId.LimitsExceeded,
        BpfErrorKind.InvalidData => Errors.ErrorId.InvalidData,
        _ => Errors.ErrorId.BpfOperationFailed,
    };
}
