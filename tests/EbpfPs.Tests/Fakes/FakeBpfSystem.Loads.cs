using System;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

internal sealed partial class FakeBpfSystem
{
    /// <summary>
    /// A program with a tag of the test's choosing: two loads of one object are two ids with one tag (the hash of
    /// the instructions), which AddProgram cannot make.
    /// </summary>
    public FakeBpfSystem AddProgramLoad(uint id, string name, BpfProgType type, ulong tag)
    {
        lock (_gate) _programs[id] = new FakeProgram(id, name, type, tag, Array.Empty<uint>());
        return this;
    }
}
