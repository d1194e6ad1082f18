using System;
using System.Globalization;
using System.IO;
using EbpfPs.Engine.State;
using Xunit;

namespace EbpfPs.Tests.Engine.State;

/// <summary>
/// Which scratch folders a state run sweeps: only ones named by the scheme, of owners that are gone; a folder
/// whose owner cannot be told (the older unowned name, another pid namespace) only when long untouched.
/// </summary>
public class StateScratchTests
{
    private const ulong OurPidNs = 4026531836;
    private static readonly DateTime Now = new(2026, 12, 7, 14, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Fresh = Now.AddSeconds(-5);
    private static readonly DateTime Old = Now - StateScratch.Abandoned - TimeSpan.FromSeconds(1);

    // Process 100 runs with start time 555; every other pid, or 100 with another start time, is gone.
    private static bool Running(int pid, ulong start) => pid == 100 && start == 555;

    [Theory]
    [InlineData("ebpfps-state-4026531836-100-555-0123abcd", false)] // its owner runs
    [InlineData("ebpfps-state-4026531836-100-554-0123abcd", true)]  // the pid was reused by a later process
    [InlineData("ebpfps-state-4026531836-101-555-0123abcd", true)]  // the owner is gone
    [InlineData("ebpfps-state-4026531999-101-555-0123abcd", false)] // another pid namespace: too young to judge
    [InlineData("ebpfps-state-0-101-0-0123abcd", false)]            // an owner that could not name itself
    [InlineData("ebpfps-state-0123456789ab", false)]                // the older unowned name, in use a moment ago
    [InlineData("ebpfps-state-4026531836-101-555-0123ABCD", false)] // not the scheme: left alone
    [InlineData("ebpfps-state-4026531836-101-555-0123abcd-x", false)]
    [InlineData("ebpfps-state-mine", false)]
    [InlineData("ebpfps", false)]
    public void AFreshFolderGoesOnlyWhenItsOwnerIsKnownToBeGone(string name, bool orphan) =>
        Assert.Equal(orphan, StateScratch.IsOrphan(name, Fresh, Now, OurPidNs, Running));

    [Theory]
    [InlineData("ebpfps-state-4026531836-100-555-0123abcd", false)] // its owner still runs: age does not matter
    [InlineData("ebpfps-state-4026531999-100-555-0123abcd", true)]
    [InlineData("ebpfps-state-0-101-0-0123abcd", true)]
    [InlineData("ebpfps-state-0123456789ab", true)]
    [InlineData("ebpfps-state-0123456789abc", false)]
    [InlineData("ebpfps-state-notascratch", false)]
    public void AnOldFolderGoesWhenItsOwnerCannotBeTold(string name, bool orphan) =>
        Assert.Equal(orphan, StateScratch.IsOrphan(name, Old, Now, OurPidNs, Running));

    [Fact]
    public void WithoutItsOwnPidNamespaceAProcessJudgesByAgeAlone() =>
        Assert.False(StateScratch.IsOrphan("ebpfps-state-0-101-555-0123abcd", Fresh, Now, 0, Running));

    [Fact]
    public void ANewFolderNamesThisProcessWhichTheRealProcIsKnownToRun()
    {
        string name = Path.GetFileName(StateScratch.NewFolder());
        Assert.StartsWith(StateScratch.Prefix, name);
        string[] parts = name[StateScratch.Prefix.Length..].Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), parts[1]);
        Assert.NotEqual("0", parts[0]);
        Assert.NotEqual("0", parts[2]);
        // Judged by /proc: this process runs; the same name with a pid above the kernel's pid_max does not.
        string dir = Path.Combine(Path.GetTempPath(), name);
        Assert.False(StateScratch.IsOrphan(dir, DateTime.UtcNow));
        string gone = $"{StateScratch.Prefix}{parts[0]}-{int.MaxValue}-{parts[2]}-{parts[3]}";
        Assert.True(StateScratch.IsOrphan(Path.Combine(Path.GetTempPath(), gone), DateTime.UtcNow));
        ulong later = ulong.Parse(parts[2], CultureInfo.InvariantCulture) + 1;
        string reused = $"{StateScratch.Prefix}{parts[0]}-{parts[1]}-{later}-{parts[3]}";
        Assert.True(StateScratch.IsOrphan(Path.Combine(Path.GetTempPath(), reused), DateTime.UtcNow));
    }
}
