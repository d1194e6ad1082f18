using EbpfPs.Interop;

namespace EbpfPs.Engine.Errors;

/// <summary>
/// Where an interop result becomes the engine's exception: the one place errno turns into a BpfException,
/// so every failed kernel call reads "Cannot OPERATION 'TARGET': TEXT (errno N)".
/// </summary>
internal static class Check
{
    internal static T OrThrow<T>(this Result<T> result, string operation, object? target = null,
        string? errorId = null) =>
        result.Ok ? result.Value : throw BpfException.FromErrno((int)result.Errno, operation, target, errorId);

    internal static void OrThrow(this Result result, string operation, object? target = null, string? errorId = null)
    {
        if (!result.Ok)
            throw BpfException.FromErrno((int)result.Errno, operation, target, errorId);
    }

    /// <summary>
    /// The value, or null when the call failed with the errno that means "not there" (ENOENT by default).
    /// </summary>
    internal static T? OrNullIf<T>(this Result<T> result, Errno absent, string operation,
        object? target = null) where T : class =>
        result.Ok ? result.Value : result.Errno == absent ? null
            : throw BpfException.FromErrno((int)result.Errno, operation, target);
}
