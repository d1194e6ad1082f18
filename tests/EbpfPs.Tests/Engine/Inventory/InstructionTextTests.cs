using System;
using System.Linq;
using EbpfPs.Engine.Inventory;
using EbpfPs.Tests.Commands;
using EbpfPs.Tests.Fakes;
using Xunit;
using static EbpfPs.Tests.Commands.PowerShellHost;

namespace EbpfPs.Tests.Engine.Inventory;

/// <summary>
/// The decoder against instructions written by hand, one per class, mode and operand shape, with the text
/// bpftool prints for them; Get-BpfProgramInstruction.Tests.ps1 holds whole programs against bpftool itself.
/// </summary>
public sealed class InstructionTextTests : FakeKernelTest
{
    [Theory]
    [InlineData("bf16000000000000", "r6 = r1")]
    [InlineData("7962080000000000", "r2 = *(u64 *)(r6 +8)")]
    [InlineData("61a1fcff00000000", "r1 = *(u32 *)(r10 -4)")]
    [InlineData("b701000000000000", "r1 = 0")]
    [InlineData("07020000b8ffffff", "r2 += -72")]
    [InlineData("570700000fff0000", "r7 &= 65295")]
    [InlineData("b400000002000000", "w0 = 2")]
    [InlineData("1c21000000000000", "w1 -= w2")]
    [InlineData("8700000000000000", "r0 = -r0")]
    [InlineData("dc01000010000000", "r1 = be16 r1")]
    [InlineData("d401000020000000", "r1 = le32 r1")]
    [InlineData("3d12020000000000", "if r2 >= r1 goto pc+2")]
    [InlineData("1504010088a80000", "if r4 == 0xa888 goto pc+1")]
    [InlineData("a50300fffeffffff", "if r3 < 0xfffffffe goto pc-256")]
    [InlineData("1601020007000000", "if w1 == 0x7 goto pc+2")]
    [InlineData("0500fdff00000000", "goto pc-3")]
    [InlineData("9500000000000000", "exit")]
    [InlineData("7318000000000000", "*(u8 *)(r8 +0) = r1")]
    [InlineData("6b1a0e0000000000", "*(u16 *)(r10 +14) = r1")]
    [InlineData("7a0afcff07000000", "*(u64 *)(r10 -4) = 7")]
    [InlineData("db21080000000000", "lock *(u64 *)(r1 +8) += r2")]
    [InlineData("c321000050000000", "lock *(u32 *)(r1 +0) &= r2")]
    [InlineData("db21080001000000", "r2 = atomic64_fetch_add((u64 *)(r1 +8), r2)")]
    [InlineData("db210000e1000000", "r2 = atomic64_xchg((u64 *)(r1 +0), r2)")]
    [InlineData("c3210000f1000000", "r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)")]
    [InlineData("3000000017000000", "r0 = *(u8 *)skb[23]")]
    [InlineData("4820000004000000", "r0 = *(u16 *)skb[r2 + 4]")]
    public void OneSlotInstructionsReadAsBpftoolPrintsThem(string hex, string text)
    {
        Assert.Equal(text, InstructionText.Format(Convert.FromHexString(hex), 0, _ => "?", out int slots));
        Assert.Equal(1, slots);
    }

    [Theory]
    [InlineData("1811000005000000", "0000000000000000", "r1 = map[id:5]")]
    [InlineData("1821000005000000", "0000000010000000", "r1 = map[id:5][0]+16")]
    [InlineData("1851000002000000", "0000000000000000", "r1 = map[idx:2]")]
    [InlineData("18010000efcdab89", "0000000067452301", "r1 = 0x123456789abcdef")]
    public void WideLoadsTakeTwoSlotsAndNameMaps(string first, string second, string text)
    {
        byte[] code = Convert.FromHexString(first + second);
        Assert.Equal(text, InstructionText.Format(code, 0, _ => "?", out int slots));
        Assert.Equal(2, slots);
    }

    [Fact]
    public void AWideLoadCutShortIsNotReadPastTheEnd() =>
        Assert.StartsWith("BUG_", InstructionText.Format(Convert.FromHexString("1811000005000000"), 0, _ => "?",
            out _));

    [Fact]
    public void CallsAreNamedByTheCallbackWithTheImmediate()
    {
        byte[] helper = Convert.FromHexString("8500000001000000");
        byte[] subprogram = Convert.FromHexString("8510000005000000");
        Assert.Equal("call bpf_map_lookup_elem#1",
            InstructionText.Format(helper, 0, i => i.Imm == 1 ? "bpf_map_lookup_elem" : "?", out _));
        Assert.Equal("call pc+5", InstructionText.Format(subprogram, 0, i => $"+{i.Imm}", out _));
    }

    [Fact]
    public void HelperNamesComeFromTheRunningKernelsEnum()
    {
        Assert.Equal("bpf_map_lookup_elem", KernelSymbols.HelperName(1));
        Assert.Equal("bpf_tail_call", KernelSymbols.HelperName(12));
        Assert.Null(KernelSymbols.HelperName(-1));
        Assert.Null(KernelSymbols.HelperName(100_000));
    }

    [Fact]
    public void TheCmdletDecodesTheFakeKernelsProgram()
    {
        Fake.AddProgram(20, "xdp_new", EbpfPs.Interop.Kernel.BpfProgType.Xdp);
        PipelineResult r = Script(Fake, "Get-BpfProgramInstruction -Id 20");
        Assert.True(!r.AllErrors.Any(), r.ToString());
        var insns = r.Of<BpfInstruction>().ToList();
        Assert.Equal(new[] { "(b7) r0 = 2", "(95) exit" }, insns.Select(i => i.Disassembly));
        Assert.Equal(new[] { 0, 1 }, insns.Select(i => i.Offset));
        Assert.Equal("b700000002000000", insns[0].Hex);
        Assert.All(insns, i => Assert.Null(i.Line)); // no BTF line info in the fake

        PipelineResult jited = Script(Fake, "Get-BpfProgramInstruction -Id 20 -Jited");
        Assert.Equal("ProgramCodeNotAvailable", Assert.Single(jited.AllErrors).FullyQualifiedErrorId.Split(',')[0]);
    }
}
