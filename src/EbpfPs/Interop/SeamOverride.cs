using System;
using System.Threading;

namespace EbpfPs.Interop;

/// <summary>
/// What a seam answers with: the real implementation, unless a test put a fake in place for its async flow (and the
/// threads that flow starts), so tests running side by side each see their own fake, the way aya swaps syscalls.
/// </summary>
internal sealed class SeamOverride<T> where T : class
{
    private readonly T _real;
    private readonly AsyncLocal<T?> _override = new();

    public SeamOverride(T real) => _real = real;

    public T Current => _override.Value ?? _real;

    /// <summary>Puts a fake in place until the returned scope is disposed.</summary>
    public IDisposable Use(T fake)
    {
        T? before = _override.Value;
        _override.Value = fake;
        return new Scope(() => _override.Value = before);
    }

    private sealed class Scope : IDisposable
    {
        private Action? _restore;
        public Scope(Action restore) => _restore = restore;
        public void Dispose() => Interlocked.Exchange(ref _restore, null)?.Invoke();
    }
}
