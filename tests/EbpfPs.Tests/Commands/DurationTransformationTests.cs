using System;
using System.Management.Automation;
using System.Numerics;
using EbpfPs.Commands;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// -Duration and -Timeout take the forms people type, each read one way; `4s` reaches the attribute as the
/// PowerShell Int16 literal 4 and must be 4 seconds, not 4 ticks.
/// </summary>
public sealed class DurationTransformationTests
{
    private static object Transform(object input) => new SecondsToTimeSpanAttribute().Transform(null!, input);

    public static TheoryData<object, double> Forms => new()
    {
        { 4, 4 }, { (short)4, 4 }, { 4L, 4 }, { (byte)2, 2 }, { 0.5, 0.5 }, { 4m, 4 }, { new BigInteger(3), 3 },
        { "4", 4 }, { "0.25", 0.25 }, { "4s", 4 }, { "4S", 4 }, { "500ms", 0.5 }, { "1.5s", 1.5 }, { "2m", 120 },
        { "1h", 3600 }, { "00:00:04", 4 }, { "00:01:30", 90 }, { TimeSpan.FromSeconds(4), 4 },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void EachFormIsReadAsTheSecondsItSays(object input, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.IsType<TimeSpan>(Transform(input)));

    [Theory]
    [InlineData("4x")]
    [InlineData("four seconds")]
    [InlineData("4 days")]
    [InlineData("1:2:3:4:5")]
    [InlineData("")]
    public void AnythingElseIsRefusedNamingTheForms(string input)
    {
        var e = Assert.Throws<ArgumentTransformationMetadataException>(() => Transform(input));
        Assert.Contains("500ms", e.Message);
        Assert.Contains("00:00:04", e.Message);
    }

    [Fact]
    public void ThroughTheCmdletTheInt16LiteralIsSeconds()
    {
        using PowerShell ps = PowerShell.Create();
        ps.AddScript("[EbpfPs.Commands.SecondsToTimeSpanAttribute]::new().Transform($null, 4s)");
        Assert.Equal(TimeSpan.FromSeconds(4), Assert.IsType<TimeSpan>(Assert.Single(ps.Invoke()).BaseObject));
    }
}
