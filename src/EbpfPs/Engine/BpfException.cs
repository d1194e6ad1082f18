using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Engine;

/// <summary>
/// The one exception the engine throws for kernel, libbpf and input failures. ErrorId is stable so
/// scripts and tests can match on it; Errno and VerifierLog carry what the kernel said.
/// </summary>
public sealed class BpfException : Exception
{
    public BpfException(string errorId, BpfErrorKind kind, string message, object? target = null,
        int errno = 0, string? verifierLog = null, string? recommendedAction = null, Exception? inner = null)
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

    public const string PrivilegeAdvice = "Run as root, or grant CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (CAP_SYS_ADMIN on older kernels).";

    /// <summary>Builds the exception for a failed native call; the kind and advice follow from errno.</summary>
    public static BpfException FromErrno(int errno, string operation, object? target = null, string? errorId = null)
    {
        errno = Math.Abs(errno);
        BpfErrorKind kind = KindOf(errno);
        string text = LinuxErrno.Describe(errno);
        string what = target is null ? operation : $"{operation} '{target}'";
        return new BpfException(
            errorId ?? DefaultErrorId(kind),
            kind,
            $"Cannot {what}: {text} (errno {errno}).",
            target,
            errno,
            recommendedAction: kind == BpfErrorKind.PermissionDenied ? PrivilegeAdvice : null);
    }

    public static BpfErrorKind KindOf(int errno) => errno switch
    {
        LinuxErrno.EPERM or LinuxErrno.EACCES => BpfErrorKind.PermissionDenied,
        LinuxErrno.ENOENT or LinuxErrno.ENODEV or LinuxErrno.ESRCH => BpfErrorKind.NotFound,
        LinuxErrno.EEXIST => BpfErrorKind.ResourceExists,
        LinuxErrno.EBUSY => BpfErrorKind.ResourceBusy,
        LinuxErrno.EINVAL or LinuxErrno.EBADF => BpfErrorKind.InvalidArgument,
        LinuxErrno.EOPNOTSUPP or LinuxErrno.ENOTSUP_LIBBPF or LinuxErrno.ENOSYS => BpfErrorKind.NotImplemented,
        LinuxErrno.E2BIG or LinuxErrno.ENOSPC or LinuxErrno.ENOMEM => BpfErrorKind.LimitsExceeded,
        >= LinuxErrno.LibbpfErrnoStart and < LinuxErrno.LibbpfErrnoStart + 100 => BpfErrorKind.InvalidData,
        _ => BpfErrorKind.OperationFailed,
    };

    private static string DefaultErrorId(BpfErrorKind kind) => kind switch
    {
        BpfErrorKind.PermissionDenied => "PermissionDenied",
        BpfErrorKind.NotFound => "NotFound",
        BpfErrorKind.ResourceExists => "ResourceExists",
        BpfErrorKind.ResourceBusy => "ResourceBusy",
        BpfErrorKind.InvalidArgument => "InvalidArgument",
        BpfErrorKind.NotImplemented => "NotSupported",
        BpfErrorKind.LimitsExceeded => "LimitsExceeded",
        BpfErrorKind.InvalidData => "InvalidData",
        _ => "BpfOperationFailed",
    };
}

/// <summary>errno values used by the engine (Linux, all architectures we run on) and their text.</summary>
public static class LinuxErrno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EBADF = 9, ENOMEM = 12, EACCES = 13, EBUSY = 16,
        EEXIST = 17, ENODEV = 19, EINVAL = 22, ENOSPC = 28, E2BIG = 7, ENOSYS = 38, EOPNOTSUPP = 95,
        ENOTSUP_LIBBPF = 524, LibbpfErrnoStart = 4000;

    /// <summary>strerror text, or libbpf's own text for its 4000+ codes.</summary>
    public static string Describe(int errno)
    {
        errno = Math.Abs(errno);
        if (errno >= LibbpfErrnoStart || errno == ENOTSUP_LIBBPF)
            return Native.Libbpf.StrError(errno);
        return Marshal.GetPInvokeErrorMessage(errno);
    }
}
