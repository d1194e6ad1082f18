using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Conventions;

/// <summary>
/// The shape of the house issue 17 set, read from the sources: one way to attach (Engine/Attach), one interface
/// type, cmdlets that neither enter namespaces nor resolve interface names, folders whose namespaces follow them,
/// and an engine free of PowerShell.
/// </summary>
public sealed class HouseTests
{
    private static readonly Lazy<CSharpSource[]> Sources = new(() =>
        Directory.EnumerateFiles(Path.Combine(Repository.Root, "src/EbpfPs"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Select(f => CSharpSource.Read(f, Repository.Root))
            .ToArray());

    private static IEnumerable<CSharpSource> Under(string folder) =>
        Sources.Value.Where(s => s.Relative.StartsWith("src/EbpfPs/" + folder, StringComparison.Ordinal));

    private static IEnumerable<CSharpSource> NotUnder(params string[] folders) =>
        Sources.Value.Where(s => !folders.Any(f => s.Relative.StartsWith("src/EbpfPs/" + f, StringComparison.Ordinal)));

    private static List<string> Hits(IEnumerable<CSharpSource> files, Regex pattern, bool inStrings = false) =>
        files.SelectMany(f => pattern.Matches(inStrings ? f.WithStrings : f.CodeOnly)
            .Select(m => $"{f.Relative}:{f.LineOf(m.Index)}: {m.Value.Trim()}")).ToList();

    private static void NoHits(List<string> hits, string rule) =>
        Assert.True(hits.Count == 0, $"{rule}:\n{string.Join("\n", hits)}");

    /// <summary>The IBpfSystem calls that change a hook, and the classes that make them.</summary>
    private static readonly Regex HookPrimitives = new(
        @"\.(XdpAttach|XdpDetach|TcAttach|TcDetach|TcHookCreate|TcHookDestroy|LinkCreate|LinkDetach)\s*\(" +
        @"|\b(Xdp|Tc|Links)\s*\.\s*(Attach|Detach|DetachProgram|List|Find|OfProgram)\s*\(");

    [Fact]
    public void OnlyEngineAttachCallsTheAttachAndDetachPrimitives() =>
        NoHits(Hits(NotUnder("Engine/Attach/", "Interop/"), HookPrimitives),
            "an attach or detach primitive called outside Engine/Attach (go through Attachments)");

    [Fact]
    public void NoCmdletEntersANamespaceOrResolvesAnInterfaceName() =>
        NoHits(Hits(Under("Commands/"), new Regex(@"\bNetNamespace\s*\.\s*Run\b|\bNetInterfaces\s*\.")),
            "a cmdlet enters a namespace or resolves interface names itself (the engine does, given a query)");

    [Fact]
    public void AnInterfaceIsANetInterfaceNotATuple()
    {
        var tuple = new Regex(@"\(\s*int\s+(Index|IfIndex|Ifindex)\s*,\s*string\s+(Name|Interface|IfName)\s*\)");
        var tests = Directory.EnumerateFiles(Path.Combine(Repository.Root, "tests/EbpfPs.Tests"), "*.cs",
                SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Select(f => CSharpSource.Read(f, Repository.Root));
        NoHits(Hits(Sources.Value.Concat(tests), tuple), "an (int, string) tuple where a NetInterface belongs");
    }

    [Fact]
    public void AtMostTwoEnumsNameHooks()
    {
        var hookEnums = typeof(KernelConstantAttribute).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.IsPublic && t.Name.Contains("Hook", StringComparison.Ordinal))
            .Select(t => t.FullName).OrderBy(n => n).ToList();
        Assert.Equal(new[] { "EbpfPs.BpfHook", "EbpfPs.BpfHookKind" }, hookEnums);
    }

    private static readonly Regex ProcessStart = new(@"\bProcess\s*\.\s*Start\b|\bProcessStartInfo\b");
    private static readonly Regex ProcOrSysRead =
        new(@"\b(File|Directory|FileInfo|DirectoryInfo)\s*\.?\s*\w*\s*\(\s*\$?""/(proc|sys)(""|/(?!fs/bpf))");

    [Fact]
    public void ToolsAndProcFilesAreReachedOnlyThroughTheHostSeam()
    {
        var outside = NotUnder("Interop/").ToList();
        NoHits(Hits(outside, ProcessStart), "a process started outside the host seam (use Engine/Host/Tools)");
        NoHits(Hits(outside, ProcOrSysRead, inStrings: true),
            "a /proc or /sys file read outside the host seam (use Tools.ReadText and its kin)");
    }

    [Theory]
    [InlineData("string s = File.ReadAllText(\"/proc/stat\");", true)]
    [InlineData("foreach (var d in Directory.EnumerateDirectories(\"/proc\")) { }", true)]
    [InlineData("var t = new FileInfo($\"/proc/{pid}/exe\").LinkTarget;", true)]
    [InlineData("bool b = File.Exists(\"/sys/kernel/btf/vmlinux\");", true)]
    [InlineData("bool b = Directory.Exists(\"/sys/fs/bpf/x\");", false)]
    [InlineData("string s = Tools.ReadText(\"/proc/stat\");", false)]
    public void TheProcRuleCatchesDirectReads(string code, bool caught) =>
        Assert.Equal(caught, Hits(new[] { CSharpSource.FromText(code) }, ProcOrSysRead, inStrings: true).Count > 0);

    [Fact]
    public void TheEngineUsesNoPowerShellTypes() =>
        NoHits(Hits(Under("Engine/").Concat(Under("Interop/")),
                new Regex(@"\bSystem\s*\.\s*Management\s*\.\s*Automation\b|\bEbpfPs\s*\.\s*Commands\b")),
            "the engine or interop refers to PowerShell or the cmdlets");

    /// <summary>
    /// Each Engine and Interop folder is a namespace of its own (EbpfPs.Engine.Maps.Codec for Engine/Maps/Codec), so a
    /// type is found by its folder; types for scripts live in the public EbpfPs namespace wherever they are.
    /// </summary>
    [Fact]
    public void NamespacesFollowFolders()
    {
        var declared = new Regex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline);
        var wrong = new List<string>();
        foreach (CSharpSource s in Under("Engine/").Concat(Under("Interop/")))
        {
            string folder = Path.GetDirectoryName(s.Relative)!.Replace('\\', '/')["src/".Length..];
            string expected = folder.Replace('/', '.');
            foreach (Match m in declared.Matches(s.CodeOnly))
                if (m.Groups[1].Value != expected && m.Groups[1].Value != "EbpfPs")
                    wrong.Add($"{s.Relative}: namespace {m.Groups[1].Value}, expected {expected} (or EbpfPs)");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void TheScanSeesTheFoldersItRules()
    {
        Assert.NotEmpty(Under("Engine/Attach/"));
        Assert.NotEmpty(Under("Commands/"));
        Assert.True(Hits(Under("Engine/Attach/"), HookPrimitives).Count > 5, "the primitive pattern finds nothing");
    }
}
