using System;
using System.IO;
using System.Linq;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// State files past the reader's limits are StateFileTooLarge or StateFileTooDeep, naming the limit and line; ones
/// with anything but data are InvalidStateFile, and a folder named x.psd1 is NotARegularFile.
/// </summary>
public sealed class StateFileLimitsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ebpfps-statelim-" + Guid.NewGuid().ToString("N"));

    public StateFileLimitsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static string Maps(int count, string extra = "") =>
        "@{ Maps = @(" + string.Join(",\n", Enumerable.Range(1, count).Select(i => $"@{{Path='/m{i}'}}")) + extra +
        ") }";

    private static string WithValue(string value) =>
        "@{ Maps = @( @{ Path = '/m'; Entries = @( @{ Key = 1; Value = " + value + " } ) } ) }";

    private static string Nested(int depth) =>
        "@{ Bogus = " + string.Concat(Enumerable.Repeat("@{a=", depth)) + "1" + new string('}', depth) + " }";

    [Fact]
    public void AFolderIsNotARegularFile()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "x.psd1")).FullName;
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(folder));
        Assert.Equal(ErrorId.NotARegularFile, e.ErrorId);
    }

    [Fact]
    public void AFileOverTheByteLimitIsRefusedBeforeItIsParsed()
    {
        // Not even PowerShell syntax: the size alone refuses it.
        string path = File("big.psd1", new string('x', (int)StateFileLimits.MaxBytes + 1));
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(path));
        Assert.Equal(ErrorId.StateFileTooLarge, e.ErrorId);
        Assert.Equal(BpfErrorKind.LimitsExceeded, e.Kind);
        Assert.Contains("524,289 bytes", e.Message);
        Assert.Contains("at most 524,288 bytes", e.Message);
    }

    [Fact]
    public void MoreValuesThanTheLimitAreStateFileTooLargeWithTheLine()
    {
        string items = string.Join(",\n", Enumerable.Repeat("1", StateFileLimits.MaxValues + 5));
        string path = File("many.psd1", "@{ Maps = @{ Path = '/m'\n Entries = @(\n" + items + ") } }");
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(path));
        Assert.Equal(ErrorId.StateFileTooLarge, e.ErrorId);
        // Maps, Path and Entries count 3; item k is on line 2 + k, and item limit - 2 is the one too many.
        Assert.Contains($"many.psd1 line {StateFileLimits.MaxValues}:", e.Message);
        Assert.Contains("100,000 keys and list items", e.Message);
    }

    [Fact]
    public void AnUnknownKeyAtTheTopIsRefusedBeforeItsValueIsRead()
    {
        // Deeper than the limit, but the key comes first.
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(File("bogus.psd1", Nested(30))));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
        Assert.Contains("bogus.psd1 line 1 (Bogus): unknown key 'Bogus'", e.Message);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(100)]
    public void NestingDeeperThanTheLimitIsStateFileTooDeep(int depth)
    {
        string value = string.Concat(Enumerable.Repeat("@{a=", depth)) + "1" + new string('}', depth);
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(File("deep.psd1", WithValue(value))));
        Assert.Equal(ErrorId.StateFileTooDeep, e.ErrorId);
        Assert.Equal(BpfErrorKind.LimitsExceeded, e.Kind);
        Assert.Contains($"more than {StateFileLimits.MaxDepth} deep", e.Message);
        // The Value's hashtable is the 6th container; the 17th is 11 levels below it.
        Assert.Contains("(Maps[0].Entries[0].Value" + string.Concat(Enumerable.Repeat(".a", 11)) + ")", e.Message);
    }

    [Fact]
    public void NestingTheParserRefusesIsStateFileTooDeep()
    {
        string path = File("deeper.psd1", "@{ Maps = " + string.Concat(Enumerable.Repeat("@(", 40_000)) +
            new string(')', 40_000) + " }");
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(path));
        Assert.Equal(ErrorId.StateFileTooDeep, e.ErrorId);
    }

    [Fact]
    public void NestingAtTheLimitIsRead()
    {
        // The file, Maps, a map, Entries, an entry: a Value nested 11 deep makes 16.
        string value = string.Concat(Enumerable.Repeat("@{a=", 11)) + "1" + new string('}', 11);
        var doc = StateFileReader.Read(File("ok.psd1", WithValue(value)));
        Assert.Single(doc.Maps[0].Entries);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3000)]
    public void ADynamicExpressionIsInvalidStateFileWhateverTheSize(int count)
    {
        var e = Assert.Throws<BpfException>(() =>
            StateFileReader.Read(File("dyn.psd1", Maps(count, ", @{ Path = (Get-Date) }"))));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
        Assert.Contains($"dyn.psd1 line {count}: only constant values", e.Message);
    }

    [Theory]
    [InlineData("$env:HOME")]
    [InlineData("\"$x\"")]
    [InlineData("1 + 1")]
    [InlineData("[int]1")]
    [InlineData("Get-Date")]
    [InlineData("$(1)")]
    [InlineData("@(Get-Date)")]
    [InlineData("{ 1 }")]
    [InlineData("1..3")]
    public void AnythingButDataIsRefused(string value)
    {
        var e = Assert.Throws<BpfException>(() =>
            StateFileReader.Read(File("code.psd1", "@{ Maps = @{ Path = '/m'; Entries = @{ Key = 1; Value = " +
                value + " } } }")));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
        Assert.Contains("only constant values", e.Message);
    }

    [Fact]
    public void DataShapesReadAsPowerShellReadsThem()
    {
        string value = "@{ a = $true; b = $null; c = -1; d = 'x'; e = @(1, 2); f = @{ g = 0x10 }; h = 1, 2; " +
            "i = - 2; j = (3); k = @(@(1, 2)\n 3); l = @(@(1, 2), 3); m = \"dq\"; n = @() }";
        string path = File("data.psd1", "@{ Maps = @{ Path = '/m'; Entries = @{ Key = 1; Value = " + value +
            " } } }");
        var v = (System.Collections.IDictionary)StateFileReader.Read(path).Maps[0].Entries[0].Value!;
        Assert.Equal(true, v["A"]);
        Assert.Null(v["b"]);
        Assert.Equal(-1, v["c"]);
        Assert.Equal("x", v["d"]);
        Assert.Equal(new object[] { 1, 2 }, v["e"]);
        Assert.Equal(16, ((System.Collections.IDictionary)v["f"]!)["g"]);
        Assert.Equal(new object[] { 1, 2 }, v["h"]);
        Assert.Equal(-2, v["i"]);
        Assert.Equal(3, v["j"]);
        Assert.Equal(new object[] { 1, 2, 3 }, v["k"]);
        Assert.Equal(2, ((object[])v["l"]!).Length);
        Assert.Equal("dq", v["m"]);
        Assert.Empty((object[])v["n"]!);
    }
}
