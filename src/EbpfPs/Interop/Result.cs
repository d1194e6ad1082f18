using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// What every wrapper returns: a value, or the errno the kernel or libbpf answered. The wrappers never
/// throw for a failed call; the engine decides what a failure means and turns it into its exception in
/// one place (EbpfPs.Engine.Errors.Check).
/// </summary>
internal readonly struct Result<T>
{
    private readonly T _value;

    private Result(T value, Errno errno)
    {
        _value = value;
        Errno = errno;
    }

    public Errno Errno { get; }
    public bool Ok => Errno == Errno.None;

    /// <summary>The value; asking for it after a failure is a programming error, not a kernel answer.</summary>
    public T Value => Ok ? _value
        : throw new InvalidOperationException($"The call failed with {Errno}; check Ok first.");

    public static Result<T> Success(T value) => new(value, Errno.None);
    public static Result<T> Failure(Errno errno) =>
        errno == Errno.None ? throw new ArgumentException("A failure needs an errno.", nameof(errno))
            : new(default!, errno);

    public static implicit operator Result<T>(T value) => Success(value);
    public static implicit operator Result<T>(Errno errno) => Failure(errno);

    public override string ToString() => Ok ? $"Ok({_value})" : Errno.ToString();
}

/// <summary>A call that returns nothing but success or an errno.</summary>
internal readonly struct Result
{
    private Result(Errno errno) => Errno = errno;

    public Errno Errno { get; }
    public bool Ok => Errno == Errno.None;

    public static readonly Result Success = new(Errno.None);

    public static implicit operator Result(Errno errno) => new(errno);

    /// <summary>libbpf 1.x and the raw syscalls wrapped by it return 0 or -errno.</summary>
    internal static Result FromReturn(int rc) => rc < 0 ? new Result((Errno)(-rc)) : Success;

    /// <summary>libc calls return -1 and leave the reason in errno.</summary>
    internal static Result FromLibc(int rc) => rc < 0 ? new Result(LastErrno()) : Success;

    /// <summary>A value for rc >= 0, or the -errno it carries.</summary>
    internal static Result<int> Of(int rc) => rc < 0 ? Result<int>.Failure((Errno)(-rc)) : Result<int>.Success(rc);

    /// <summary>errno of the last P/Invoke declared with SetLastError; never None for a failed call.</summary>
    internal static Errno LastErrno()
    {
        int errno = Marshal.GetLastPInvokeError();
        return errno == 0 ? Errno.EIO : (Errno)errno;
    }

    public override string ToString() => Ok ? "Ok" : Errno.ToString();
}
