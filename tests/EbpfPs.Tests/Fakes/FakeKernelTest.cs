using System;
using EbpfPs.Interop;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// The base of a test class that runs against the fake kernel and the fake host. xunit makes one instance per
/// test, so every test gets a fresh FakeBpfSystem and FakeHostTools, in place from the constructor to Dispose: no
/// call it makes reaches the real kernel or starts a real tool, and tests running side by side never see each
/// other's fakes (both seams are per async flow). A derived constructor adds to Fake what its tests need
/// (namespaces, interfaces, programs, maps) and to FakeHost the tool answers they need.
/// </summary>
public abstract class FakeKernelTest : IDisposable
{
    private readonly IDisposable _kernelScope;
    private readonly IDisposable _hostScope;

    protected FakeKernelTest()
    {
        _kernelScope = BpfSystem.Use(Fake);
        _hostScope = HostTools.Use(FakeHost);
    }

    private protected FakeBpfSystem Fake { get; } = new();

    private protected FakeHostTools FakeHost { get; } = new();

    public virtual void Dispose()
    {
        _hostScope.Dispose();
        _kernelScope.Dispose();
        Fake.Dispose();
        GC.SuppressFinalize(this);
    }
}
