using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

/// <summary>The fake kernel's program code (every program is `r0 = 2; exit`) and map creation.</summary>
internal sealed partial class FakeBpfSystem
{
    /// <summary>r0 = 2 (XDP_PASS), then exit: what every fake program's xlated code reads as.</summary>
    internal static readonly byte[] FakeXlated =
    {
        0xb7, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
        0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };

    public Result<ProgramCodeInfo> ProgramCode(SafeFdHandle fd)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ProgramCode), $"ProgramCode {ProgramOf(fd)}");
            if (failed != Errno.None) return failed;
            if (!TryResolve(fd, Libbpf.ObjectKind.Program, out _)) return Answer(Errno.EBADF);
            return new ProgramCodeInfo { Xlated = FakeXlated.ToArray() };
        }
    }

    public Result<SafeFdHandle> CreateMap(BpfMapType type, string name, uint keySize, uint valueSize,
        uint maxEntries, uint flags)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(CreateMap), $"CreateMap {name} {type}");
            if (failed != Errno.None) return failed;
            if (keySize == 0 || valueSize == 0 || maxEntries == 0) return Answer(Errno.EINVAL);
            uint id = _maps.Keys.DefaultIfEmpty(0u).Max() + 1;
            _maps[id] = new FakeMap(id, name, type, keySize, valueSize, maxEntries);
            return NewFd(Libbpf.ObjectKind.Map, id);
        }
    }
}
