using System;
using System.IO;
using System.Linq;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// State files PowerShell's constant-value reader refuses for their size are StateFileTooLarge, ones with a dynamic
/// expression stay InvalidStateFile, and a folder named x.psd1 is NotARegularFile (it said "does not exist").
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
        "@{ Maps = @(" + string.Join(",\n", Enumerable.Range(1, count).Select(i => $"@{{Name='m{i}'}}")) + extra +
        ") }";

    [Fact]
    public void AFolderIsNotARegularFile()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "x.psd1")).FullName;
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(folder));
        Assert.Equal(ErrorId.NotARegularFile, e.ErrorId);
    }

    [Fact]
    public void ManyConstantsAreStateFileTooLarge()
    {
        var e = Assert.Throws<BpfException>(() => StateFileReader.Read(File("big.psd1", Maps(100_000))));
        Assert.Equal(ErrorId.StateFileTooLarge, e.ErrorId);
        Assert.Equal(BpfErrorKind.LimitsExceeded, e.Kind);
    }

    [Fact]
    public void ManyKeysInOneHashtableAreStateFileTooLarge()
    {
        string keys = string.Join("; ", Enumerable.Range(1, 600).Select(i => $"k{i} = 1"));
        var e = Assert.Throws<BpfException>(() =>
            StateFileReader.Read(File("wide.psd1", "@{ Maps = @(@{ Name = 'm'; Entries = @{ " + keys + " } }) }")));
        Assert.Equal(ErrorId.StateFileTooLarge, e.ErrorId);
        Assert.Contains("600 keys", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3000)]
    public void ADynamicExpressionStaysInvalidStateFileWhateverTheSize(int count)
    {
        var e = Assert.Throws<BpfException>(() =>
            StateFileReader.Read(File("dyn.psd1", Maps(count, ", @{ Name = (Get-Date) }"))));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
    }

    [Theory]
    [InlineData("@{ a = $true; b = $null; c = -1; d = 'x'; e = @(1, 2); f = @{ g = 0x10 }; h = 1, 2 }", true)]
    [InlineData("@{ a = $env:HOME }", false)]
    [InlineData("@{ a = \"$x\" }", false)]
    [InlineData("@{ a = 1 + 1 }", false)]
    public void OnlyDataFileShapesCountAsConstants(string text, bool constants)
    {
        var ast = System.Management.Automation.Language.Parser.ParseInput(text, out _, out _);
        var table = (System.Management.Automation.Language.HashtableAst)ast.Find(
            a => a is System.Management.Automation.Language.HashtableAst, true)!;
        Assert.Equal(constants, StateFileLimits.IsOnlyConstants(table));
    }
}
