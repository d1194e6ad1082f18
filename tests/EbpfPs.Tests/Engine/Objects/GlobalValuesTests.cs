using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using Xunit;

namespace EbpfPs.Tests.Engine.Objects;

/// <summary>
/// BpfLoadOptions.GlobalValues: a wrong name or size is refused after open, before anything reaches the kernel.
/// </summary>
public class GlobalValuesTests
{
    /// <summary>The module's generator as build.ps1 staged it (Test builds before it tests).</summary>
    private static string GenObject()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "out", "EbpfPs", "bpf", "xdp_gen.o");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("out/EbpfPs/bpf/xdp_gen.o is missing: run build.ps1 Build first.");
    }

    [Fact]
    public void UnknownVariableIsNamedWithTheOnesThereAre()
    {
        var e = Assert.Throws<BpfException>(() => BpfObjectLoader.Load(GenObject(), new BpfLoadOptions
        {
            GlobalValues = new Dictionary<string, byte[]> { ["gen_nosuch"] = new byte[4] },
        }));
        Assert.Equal("GlobalVariableNotFound", e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
        Assert.Contains("gen_nosuch", e.Message);
        // Both .rodata constants and .bss state are global variables.
        Assert.Contains("gen_ifindex", e.Message);
        Assert.Contains("gen_pace_count", e.Message);
    }

    [Fact]
    public void WrongSizeSaysBoth()
    {
        var e = Assert.Throws<BpfException>(() => BpfObjectLoader.Load(GenObject(), new BpfLoadOptions
        {
            GlobalValues = new Dictionary<string, byte[]> { ["gen_ifindex"] = new byte[4],
                ["gen_template"] = new byte[64] },
        }));
        Assert.Equal("GlobalVariableSizeMismatch", e.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("128 bytes", e.Message);
        Assert.Contains("64 bytes", e.Message);
    }
}
