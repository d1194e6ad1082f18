using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Interop;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// flock without waiting, as the kernel decides it: a path one holder has locked answers EAGAIN to everyone else
/// (flock locks an open file, so a second open in the same process is refused too) until the holder lets go.
/// </summary>
internal sealed partial class FakeBpfSystem
{
    private readonly HashSet<string> _tryLocked = new(StringComparer.Ordinal);

    public Result<IDisposable> TryLockFile(string path)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TryLockFile), $"TryLockFile {Path.GetFileName(path)}");
            if (failed != Errno.None) return failed;
            if (!_tryLocked.Add(path)) return Answer(Errno.EAGAIN);
            File.AppendAllText(path, ""); // made if missing, as open(O_CREAT) does
            return Result<IDisposable>.Success(new TryLock(this, path));
        }
    }

    /// <summary>Whether some holder has path locked through TryLockFile now.</summary>
    public bool IsTryLocked(string path)
    {
        lock (_gate) return _tryLocked.Contains(path);
    }

    private sealed class TryLock : IDisposable
    {
        private FakeBpfSystem? _owner;
        private readonly string _path;

        public TryLock(FakeBpfSystem owner, string path)
        {
            _owner = owner;
            _path = path;
        }

        public void Dispose()
        {
            FakeBpfSystem? owner = System.Threading.Interlocked.Exchange(ref _owner, null);
            if (owner is null) return;
            lock (owner._gate)
            {
                owner._tryLocked.Remove(_path);
                owner._calls.Add(new FakeCall("Unlock", $"Unlock {Path.GetFileName(_path)}", Errno.None));
            }
        }
    }
}
