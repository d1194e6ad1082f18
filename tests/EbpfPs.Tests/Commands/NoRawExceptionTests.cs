using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;
using static EbpfPs.Tests.Commands.PowerShellHost;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// Every cmdlet, given input that fails, answers with ErrorRecords of catalogued ErrorIds and the category their
/// kind maps to: never a raw exception ("EbpfPs.Engine.Errors.BpfException,..." or "System.OverflowException,..."
/// with category NotSpecified), which is what an engine call made outside EbpfCmdlet.Run, or an unchecked .NET
/// call, turns into. Each cmdlet has rows below (a new cmdlet without any fails the test), and every row runs
/// twice: against a plain fake kernel and against one where every call fails, so the engine throws wherever it
/// can and the failure shows whichever code path it escaped from.
/// </summary>
public sealed class NoRawExceptionTests : FakeKernelTest
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "ebpfps-raw-" + Guid.NewGuid().ToString("N"));

    public NoRawExceptionTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(40, "tc_count", BpfProgType.SchedCls);
        Fake.AddInterface("eth-a");
        Fake.AddNamespace("ns-x");
        Fake.AddInterface("veth0", "ns-x");
        Directory.CreateDirectory(_scratch);
        File.WriteAllText(Path.Combine(_scratch, "one.o"), "");
        File.WriteAllText(Path.Combine(_scratch, "two.o"), "");
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    /// <summary>
    /// A hashtable that holds itself: copied without a bound, it overflowed the stack and ended the session.
    /// </summary>
    private const string SelfHolding = "$h = @{}; $h.a = $h; ";

    /// <summary>Per cmdlet, scripts that make it fail (with -WhatIf where success would change the kernel).</summary>
    private static readonly Dictionary<string, string[]> Rows = new()
    {
        ["Add-XdpProgram"] = new[]
        {
            "Add-XdpProgram eth-a -Path $scratch/*.o", "Add-XdpProgram eth-a -Path $scratch/none*.o",
            "Add-XdpProgram eth-a -Program 20 -NetNamespace ns-missing", "Add-XdpProgram \"x1`0junk\" -Program 20",
            "Add-XdpProgram eth-a -Program 5000000000",
        },
        ["Add-TcProgram"] = new[] { "Add-TcProgram eth-a -Path $scratch/*.o", "Add-TcProgram nope -Program 40" },
        ["Get-XdpProgram"] = new[] { "Get-XdpProgram -NetNamespace ns-missing", "Get-XdpProgram -AllNamespaces" },
        ["Get-TcProgram"] = new[] { "Get-TcProgram -NetNamespace ns-missing", "Get-TcProgram -AllNamespaces" },
        ["Remove-XdpProgram"] = new[]
        {
            "Remove-XdpProgram eth-a", "Remove-XdpProgram 'eth*' -NetNamespace ns-missing",
        },
        ["Remove-TcProgram"] = new[] { "Remove-TcProgram eth-a", "Remove-TcProgram \"x`0\" -ProgramName p" },
        ["Get-BpfProgram"] = new[] { "Get-BpfProgram", "Get-BpfProgram -Id 99" },
        ["Remove-BpfProgram"] = new[]
        {
            "Remove-BpfProgram -LiteralPath /sys/fs/bpf/ebpfps-none -Confirm:$false",
            "Remove-BpfProgram -Id 99 -Detach -Confirm:$false", "Remove-BpfProgram -Id 20 -Detach -WhatIf",
        },
        ["Get-BpfLink"] = new[] { "Get-BpfLink", "Get-BpfLink -Id 99", "Get-BpfLink -Type tcx -ProgramId 20" },
        ["Get-BpfBtfType"] = new[]
        {
            "Get-BpfBtfType -BtfId 4000000000", "Get-BpfBtfType -LiteralPath $scratch/one.o",
            "Get-BpfBtfType -Path $scratch/none*.o", "Get-BpfBtfType -LiteralPath /sys/fs/bpf/ebpfps-none",
            "Get-BpfBtfType -Map 99",
        },
        ["Receive-BpfEvent"] = new[]
        {
            "Receive-BpfEvent -Id 99 -Count 1 -Timeout 1", "Receive-BpfEvent -LiteralPath /etc/passwd -Count 1",
            "Receive-BpfEvent -Name ebpfps_none -Count 1 -Timeout 1",
        },
        ["Test-BpfState"] = new[]
        {
            "Test-BpfState -LiteralPath $scratch/none.psd1", "Test-BpfState -LiteralPath $scratch/one.o",
            "Test-BpfState -State @{ Programs = 'x' }", "Test-BpfState -LiteralPath $scratch",
        },
        ["Set-BpfState"] = new[]
        {
            "Set-BpfState -LiteralPath $scratch/none.psd1 -WhatIf", "Set-BpfState -State @{ Nonsense = 1 } -WhatIf",
        },
        ["Get-BpfProgramInstruction"] = new[]
        {
            "Get-BpfProgramInstruction -Id 99", "Get-BpfProgramInstruction -Id 20 -Jited",
            "Get-BpfProgramInstruction -Id 20", "Get-BpfProgramInstruction xdp*",
            "Get-BpfProgramInstruction -LiteralPath /etc/passwd",
            "Get-BpfProgramInstruction -LiteralPath /sys/fs/bpf/ebpfps-none",
        },
        ["New-BpfPin"] = new[]
        {
            "New-BpfPin -LiteralPath $scratch/p -ProgramId 20", "42 | New-BpfPin /sys/fs/bpf/ebpfps-none/p -WhatIf",
            "New-BpfPin \"$scratch/a`0b\" -MapId 1", "New-BpfPin /sys/fs/bpf/ebpfps-none/p -LinkId 99 -WhatIf",
        },
        ["New-BpfMap"] = new[]
        {
            "New-BpfMap $scratch/m -Name m -Type hash -KeySize 4 -ValueSize 8 -MaxEntries 4",
            "New-BpfMap /sys/fs/bpf/ebpfps-none/m -Name 'bad name' -Type hash -KeySize 4 -ValueSize 8 -MaxEntries 4",
            "New-BpfMap /sys/fs/bpf/ebpfps-none/m -Name m -Type nosuch -KeySize 4 -ValueSize 8 -MaxEntries 4",
        },
        ["Get-BpfMap"] = new[] { "Get-BpfMap", "Get-BpfMap -Id 99", "Get-BpfMap -LiteralPath /etc/passwd" },
        ["Import-BpfObject"] = new[]
        {
            "Import-BpfObject -LiteralPath $scratch/none.o", "Import-BpfObject -Path $scratch/none*.o",
            "Import-BpfObject -LiteralPath $scratch/one.o", "Import-BpfObject -LiteralPath /proc/self/mem",
            "Import-BpfObject -Program drop -PinPath \"$scratch/a`0b\"",
            "Import-BpfObject -LiteralPath \"$scratch/a`0.o\"",
            "Import-BpfObject -Program drop -PinPath \"$scratch/$('a' * 300)\"",
            SelfHolding + "Import-BpfObject -Program drop -Variable @{ x = $h }",
        },
        ["Remove-BpfObject"] = new[] { "@() | Remove-BpfObject" },
        ["Get-BpfMapEntry"] = new[]
        {
            "Get-BpfMapEntry -Id 99", "Get-BpfMapEntry -LiteralPath /etc/passwd",
            SelfHolding + "Get-BpfMapEntry -Id 1 -Key $h",
        },
        ["Set-BpfMapEntry"] = new[]
        {
            "Set-BpfMapEntry -Id 99 -Key 0 -Value 0", SelfHolding + "Set-BpfMapEntry -Id 1 -Key 0 -Value $h",
            SelfHolding + "Set-BpfMapEntry -Id 1 -Key $h -Value 0",
        },
        ["Remove-BpfMapEntry"] = new[]
        {
            "Remove-BpfMapEntry -Id 99 -Key 0", SelfHolding + "Remove-BpfMapEntry -Id 1 -Key $h",
        },
        ["Push-BpfMapEntry"] = new[]
        {
            "Push-BpfMapEntry -Id 99 -Value 0", "Push-BpfMapEntry -Id 1 -Value 0",
            SelfHolding + "Push-BpfMapEntry -Id 1 -Value $h",
        },
        ["Pop-BpfMapEntry"] = new[] { "Pop-BpfMapEntry -Id 99", "Pop-BpfMapEntry -Id 1 -Count 2" },
        ["Test-BpfMapEntry"] = new[]
        {
            "Test-BpfMapEntry -Id 99 -Value 0", "Test-BpfMapEntry -Id 1 -Value 0",
            SelfHolding + "Test-BpfMapEntry -Id 1 -Value $h",
        },
        ["Clear-BpfMap"] = new[] { "Clear-BpfMap -Id 99 -Confirm:$false" },
        ["Watch-BpfMap"] = new[]
        {
            "Watch-BpfMap -Id 99 -Count 1 -Interval 1e9", "Watch-BpfMap -Id 99 -Interval 1e30",
        },
        ["Invoke-BpfProgramTest"] = new[]
        {
            "Invoke-BpfProgramTest -Program 20 -Packet @(300)", "Invoke-BpfProgramTest -Program 20 -Packet @('x')",
            "Invoke-BpfProgramTest -Path $scratch/*.o -Packet @(1)",
        },
        ["New-BpfTestPacket"] = new[] { "New-BpfTestPacket -Source nowhere", "New-BpfTestPacket -SourceMac 02:00" },
        ["Export-BpfTestPacket"] = new[]
        {
            "New-BpfTestPacket | Export-BpfTestPacket -Path $scratch/no/such/x.pcap",
            "New-BpfTestPacket | Export-BpfTestPacket -LiteralPath $scratch",
            "$p = New-BpfTestPacket; $p, $p | Export-BpfTestPacket -LiteralPath $scratch/two.bin -Format Raw",
            "New-BpfTestPacket | Export-BpfTestPacket -LiteralPath \"$scratch/a`0b\" -Format Raw",
        },
        ["Export-BpfHookChart"] = new[]
        {
            "[pscustomobject]@{ Program = 'drop' } | Export-BpfHookChart -Path $scratch/x.svg",
            "[pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress'; PacketSize = 'big'; PacketsPerSecond = 1; " +
                "BitsPerSecond = 1 } | Export-BpfHookChart -Path $scratch/x.svg",
            "@() | Export-BpfHookChart -Path $scratch/x.svg",
            "[pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress'; PacketSize = 64; PacketsPerSecond = 1; " +
                "BitsPerSecond = 1; Traffic = 'Carrier pigeon' } | Export-BpfHookChart -Path $scratch/x.svg",
            "[pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress'; PacketSize = 64; PacketsPerSecond = 1; " +
                "BitsPerSecond = 1 } | Export-BpfHookChart -LiteralPath \"$scratch/a`0b.svg\"",
            "[pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress'; PacketSize = 64; PacketsPerSecond = 1; " +
                "BitsPerSecond = 1 } | Export-BpfHookChart -LiteralPath $scratch",
        },
        ["Send-BpfTestPacket"] = new[]
        {
            "New-BpfTestPacket | Send-BpfTestPacket -Interface eth-a -NetNamespace nope",
        },
        ["Measure-HookThroughput"] = new[]
        {
            "Measure-HookThroughput -Program 20 -Count 5 -Duration 1",
            "Measure-HookThroughput -Program 20 -Network '../x'",
        },
        ["New-BpfTestNetwork"] = new[] { "New-BpfTestNetwork 'bad name'" },
        ["Get-BpfTestNetwork"] = new[] { "Get-BpfTestNetwork -Name ebpfps-none-*" },
        ["Remove-BpfTestNetwork"] = new[] { "Remove-BpfTestNetwork ../../tmp/x", "Remove-BpfTestNetwork ebpfps-none" },
        ["Get-BpfFeature"] = new[]
        {
            "Get-BpfFeature -Interface nope", "Get-BpfFeature -Interface eth-a -NetNamespace nope",
        },
        ["Enable-BpfStatistics"] = new[] { "Enable-BpfStatistics -WhatIf" },
        ["Disable-BpfStatistics"] = new[] { "Disable-BpfStatistics -WhatIf" },
    };

    public static IEnumerable<object[]> Cases() =>
        Rows.SelectMany(r => r.Value.SelectMany(script => new[]
        {
            new object[] { r.Key, script, false }, new object[] { r.Key, script, true },
        }));

    [Fact]
    public void EveryCmdletHasRows()
    {
        var cmdlets = typeof(EbpfCmdlet).Assembly.GetTypes()
            .Select(t => t.GetCustomAttribute<CmdletAttribute>())
            .Where(a => a is not null)
            .Select(a => $"{a!.VerbName}-{a.NounName}")
            .OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(cmdlets, Rows.Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FailuresAreCataloguedErrorRecords(string cmdlet, string script, bool everyCallFails)
    {
        if (everyCallFails)
            foreach (MethodInfo m in typeof(IBpfSystem).GetMethods())
                Fake.FailWhen(m.Name, Errno.EIO);

        PipelineResult r = Script(Fake, "param($scratch) " + script, new Dictionary<string, object>
        {
            ["scratch"] = _scratch,
        });

        foreach (ErrorRecord e in r.AllErrors)
        {
            string where = $"{script}: {e.FullyQualifiedErrorId} [{e.CategoryInfo.Category}] {e.Exception?.Message}";
            if (e.Exception is ParameterBindingException)
                continue; // PowerShell's own binding errors (a value the parameter's type cannot hold)
            var bpf = Assert.IsType<BpfException>(e.Exception);
            Assert.True(e.FullyQualifiedErrorId.StartsWith(bpf.ErrorId + ",EbpfPs.Commands.",
                StringComparison.Ordinal), where);
            ErrorInfo info = ErrorCatalog.Get(bpf.ErrorId);
            Assert.True(info.Kind == BpfErrorKind.OperationFailed || info.FollowsErrno
                || e.CategoryInfo.Category == ErrorRecords.CategoryOf(info.Kind), where);
            Assert.True(e.CategoryInfo.Category != ErrorCategory.NotSpecified
                || bpf.Kind == BpfErrorKind.OperationFailed, where);
        }
    }
}
