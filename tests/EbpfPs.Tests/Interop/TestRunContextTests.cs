using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Interop;

/// <summary>
/// The contexts test runs pass (struct __sk_buff for TC, struct xdp_md for XDP) against the running kernel's own
/// BTF: every field we write sits where the kernel reads it, and the struct is the kernel's size, so the kernel's
/// "all other bytes zero" check sees exactly what we meant.
/// </summary>
public sealed class TestRunContextTests
{
    private static readonly Lazy<BtfTypeTable> Vmlinux =
        new(() => BtfTypeTable.Parse(File.ReadAllBytes("/sys/kernel/btf/vmlinux")));

    [Theory]
    [InlineData(typeof(Libbpf.SkBuff), "__sk_buff")]
    [InlineData(typeof(Libbpf.XdpMd), "xdp_md")]
    public void EveryFieldSitsWhereTheKernelsBtfPutsIt(Type ours, string kernelStruct)
    {
        BtfType kernel = Struct(kernelStruct);
        Assert.Equal((int)kernel.Size, Marshal.SizeOf(ours));
        FieldInfo[] fields = ours.GetFields(BindingFlags.Public | BindingFlags.Instance);
        Assert.NotEmpty(fields);
        foreach (FieldInfo f in fields)
        {
            string c = Regex.Replace(f.Name, "(?<=[a-z])(?=[A-Z])", "_").ToLowerInvariant();
            var member = kernel.Members.SingleOrDefault(m => m.Name == c);
            Assert.True(member.Name is not null, $"struct {kernelStruct} has no member {c} (for {ours.Name}.{f.Name})");
            Assert.Equal((int)member.BitOffset / 8, (int)Marshal.OffsetOf(ours, f.Name));
        }
    }

    [Fact]
    public void AnSkbContextNamesTheInterfaceTwiceAndNothingElse()
    {
        byte[] ctx = Libbpf.SkbContext(7);
        int ifindex = (int)(Struct("__sk_buff").Members.Single(m => m.Name == "ifindex").BitOffset / 8);
        int ingress = (int)(Struct("__sk_buff").Members.Single(m => m.Name == "ingress_ifindex").BitOffset / 8);
        Assert.Equal(7u, BitConverter.ToUInt32(ctx, ifindex));
        Assert.Equal(7u, BitConverter.ToUInt32(ctx, ingress));
        Assert.Equal(2, ctx.Where((b, i) => b != 0).Count());
    }

    private static BtfType Struct(string name)
    {
        BtfTypeTable btf = Vmlinux.Value;
        for (uint id = 1; id < btf.Count; id++)
            if (btf.KindOf(id) == BtfKind.Struct && btf.NameOf(id) == name)
                return btf.Type(id);
        throw new InvalidOperationException($"The kernel's BTF has no struct {name}.");
    }
}
