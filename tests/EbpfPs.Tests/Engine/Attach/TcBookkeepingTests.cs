using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// What EbpfPs remembers about TC hooks, against the fake kernel: qdisc markers by namespace cookie (a namespace
/// that gets a deleted one's inode inherits nothing), markers of deleted namespaces pruned, every change made
/// holding the lock, tcx pin folders that come and go.
/// </summary>
public sealed class TcBookkeepingTests : FakeKernelTest
{
    private const uint Program = 40;

    public TcBookkeepingTests()
    {
        Fake.AddProgram(Program, "tc_count", BpfProgType.SchedCls);
        Fake.AddNamespace("ns-x");
        Fake.AddInterface("veth0", "ns-x");
    }

    private IReadOnlyList<TcAttachment> Attach(string netns, TcMode mode = TcMode.Filter, uint priority = 0)
    {
        using AttachableProgram program = AttachableProgram.FromId(Program);
        int index = Fake.Interface("veth0", netns).Index;
        return Attachments.Attach(program, new TcHookPoint(TcDirection.Ingress, mode, priority),
            new[] { new NetInterface(index, "veth0", netns) }).Cast<TcAttachment>().ToList();
    }

    [Fact]
    public void AMarkerIsKeyedByTheNamespaceCookieAndHoldsItsName()
    {
        TcAttachment a = Assert.Single(Attach("ns-x"));

        string marker = Assert.Single(Fake.QdiscMarkerFiles());
        Assert.Equal($"{Fake.CookieOf("ns-x")}-{a.Ifindex}", Path.GetFileName(marker));
        Assert.Equal("ns-x", File.ReadAllText(marker));
    }

    [Fact]
    public void ANamespaceThatGetsADeletedOnesInodeDoesNotInheritItsQdisc()
    {
        Attach("ns-x"); // we made the qdisc here
        // Deleted behind our back and made again: the same inode, a new cookie; another tool's empty clsact on the
        // interface with the same index.
        Fake.ReplaceNamespace("ns-x");
        Fake.AddInterface("veth0", "ns-x", index: 2);
        Fake.AddClsact("veth0", "ns-x");

        TcAttachment ours = Assert.Single(Attach("ns-x", priority: 20));
        Attachments.Detach(ours);

        Assert.False(ours.CreatedQdisc);
        Assert.True(Fake.Interface("veth0", "ns-x").Clsact, "the other tool's qdisc must stay");
        Assert.DoesNotContain(Fake.Mutations, m => m.StartsWith("TcHookDestroy", StringComparison.Ordinal));
    }

    [Fact]
    public void MarkersOfNamespacesThatAreGoneArePrunedWhenTheNextIsWritten()
    {
        Attach("ns-x");
        Fake.RemoveNamespace("ns-x");
        Fake.AddNamespace("ns-y");
        Fake.AddInterface("veth0", "ns-y");

        Attach("ns-y");

        string marker = Assert.Single(Fake.QdiscMarkerFiles());
        Assert.StartsWith($"{Fake.CookieOf("ns-y")}-", Path.GetFileName(marker));
    }

    [Fact]
    public void EveryChangeToAHookIsMadeHoldingTheLock()
    {
        TcAttachment a = Assert.Single(Attach("ns-x"));
        Attachments.Detach(a);

        var order = Fake.Log(nameof(IBpfSystem.LockFile), "Unlock", nameof(IBpfSystem.TcHookCreate),
            nameof(IBpfSystem.TcAttach), nameof(IBpfSystem.TcDetach), nameof(IBpfSystem.TcHookDestroy));
        Assert.Equal(new[]
        {
            "LockFile tc.lock", "TcHookCreate ns-x/veth0",
            "TcAttach ns-x/veth0 Ingress prog 40 handle 0 priority 0 None",
            "Unlock tc.lock",
            "LockFile tc.lock", "TcDetach ns-x/veth0 Ingress handle 1 priority 49152", "TcHookDestroy ns-x/veth0",
            "Unlock tc.lock",
        }, order);
        Assert.False(Fake.Locked);
    }

    [Fact]
    public void TcxPinsGoInTheNamespacesFolderAndTheLastDetachLeavesNoFolder()
    {
        TcAttachment first = Assert.Single(Attach("ns-x", TcMode.Tcx));
        TcAttachment second = Assert.Single(Attach("ns-x", TcMode.Tcx));
        string folder = Path.Combine("tcx", Fake.CookieOf("ns-x").ToString());
        Assert.Equal(new[] { "tcx", folder, Path.Combine(folder, Path.GetFileName(first.PinnedPath!)),
            Path.Combine(folder, Path.GetFileName(second.PinnedPath!)) }, Fake.PinFiles());

        Attachments.Detach(first);
        Assert.Equal(3, Fake.PinFiles().Count);
        Attachments.Detach(second);
        Assert.Empty(Fake.PinFiles());
        Assert.False(Directory.Exists(Fake.PinDirectory));
        Assert.Equal(0, Fake.LinkCount);
    }

    [Fact]
    public void APinFolderRemovedBetweenMakingItAndPinningIsMadeAgain()
    {
        // Another process (one that does not take the lock) removes the folder once, just before the pin.
        Fake.Before(nameof(IBpfSystem.Pin), 1, f =>
        {
            foreach (string dir in Directory.GetDirectories(Path.Combine(f.PinDirectory, "tcx")))
                Directory.Delete(dir);
        });

        TcAttachment a = Assert.Single(Attach("ns-x", TcMode.Tcx));

        Assert.True(File.Exists(a.PinnedPath));
        Assert.Equal(new[] { ("Pin", Errno.ENOENT), ("Pin", Errno.None) },
            Fake.Calls.Where(c => c.Method == nameof(IBpfSystem.Pin)).Select(c => (c.Method, c.Errno)));
        Attachments.Detach(a);
        Assert.Empty(Fake.PinFiles());
    }
}
