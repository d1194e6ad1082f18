using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Conventions;

/// <summary>
/// The layer rules of issue 9, read from the sources: Interop stands alone, native imports live only there,
/// kernel numbers are named by Interop's typed constants, and error ids come from the ErrorId catalog.
/// </summary>
public sealed class LayeringTests
{
    private const string Interop = "src/EbpfPs/Interop/";

    private static readonly Lazy<CSharpSource[]> Sources = new(() => new[] { "src", "tests" }
        .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Repository.Root, d), "*.cs",
            SearchOption.AllDirectories))
        .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
        .Select(f => CSharpSource.Read(f, Repository.Root))
        .ToArray());

    private static bool InInterop(CSharpSource s) => s.Relative.StartsWith(Interop, StringComparison.Ordinal);

    private static IEnumerable<CSharpSource> Module =>
        Sources.Value.Where(s => s.Relative.StartsWith("src/EbpfPs/", StringComparison.Ordinal));

    private static IEnumerable<CSharpSource> InteropFiles => Module.Where(InInterop);
    private static IEnumerable<CSharpSource> OutsideInterop => Module.Where(s => !InInterop(s));

    private static IEnumerable<string> Hits(IEnumerable<CSharpSource> files, Regex pattern, bool inStrings = false) =>
        files.SelectMany(f => pattern.Matches(inStrings ? f.WithStrings : f.CodeOnly)
            .Select(m => $"{f.Relative}:{f.LineOf(m.Index)}: {m.Value.Trim()}"));

    private static void NoHits(IEnumerable<string> hits, string rule)
    {
        var list = hits.ToList();
        Assert.True(list.Count == 0, $"{rule}:\n{string.Join("\n", list)}");
    }

    [Fact]
    public void TheScanSeesTheWholeModule()
    {
        Assert.True(InteropFiles.Count() >= 20, "too few Interop files found");
        Assert.True(OutsideInterop.Count() >= 80, "too few Engine/Commands files found");
    }

    [Fact]
    public void InteropUsesNoEngineOrCommandsNamespace() =>
        NoHits(Hits(InteropFiles, new Regex(@"\bEbpfPs\s*\.\s*(Engine|Commands)\b")),
            "Interop refers to a layer above it");

    [Fact]
    public void InteropSignaturesUseNoTypeOfTheLayersAbove()
    {
        Assembly module = typeof(KernelConstantAttribute).Assembly;
        bool Above(Type t)
        {
            while (t.HasElementType) t = t.GetElementType()!;
            if (t.IsGenericType && t.GetGenericArguments().Any(Above)) return true;
            return t.Assembly == module && !(t.Namespace ?? "").StartsWith("EbpfPs.Interop", StringComparison.Ordinal);
        }
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
                                 | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var leaks = new List<string>();
        var interop = module.GetTypes().Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute))
            && (t.Namespace ?? "").StartsWith("EbpfPs.Interop", StringComparison.Ordinal));
        foreach (Type type in interop)
        {
            if (type.BaseType is Type b && Above(b)) leaks.Add($"{type}: base {b}");
            leaks.AddRange(type.GetInterfaces().Where(Above).Select(i => $"{type}: implements {i}"));
            leaks.AddRange(type.GetFields(all).Where(f => Above(f.FieldType))
                .Select(f => $"{type}.{f.Name}: {f.FieldType}"));
            foreach (MethodInfo m in type.GetMethods(all))
                if (Above(m.ReturnType) || m.GetParameters().Any(p => Above(p.ParameterType)))
                    leaks.Add($"{type}.{m.Name}");
        }
        Assert.True(leaks.Count == 0, "Interop signatures use engine or command types:\n" + string.Join("\n", leaks));
    }

    [Fact]
    public void NativeImportsAreDeclaredOnlyInInterop() =>
        NoHits(Hits(OutsideInterop,
                new Regex(@"\[\s*(LibraryImport|DllImport)\b|\bstatic\s+extern\b|\bdelegate\s*\*\s*unmanaged\b")),
            "a native import outside src/EbpfPs/Interop");

    /// <summary>Interop's typed kernel enums (BpfProgType, BtfKind, XdpFlags, ...): no casts from numbers.</summary>
    private static string KernelEnumNames() => string.Join("|", typeof(KernelConstantAttribute).Assembly.GetTypes()
        .Where(t => t.IsEnum && t.Namespace == typeof(KernelConstantAttribute).Namespace).Select(t => t.Name));

    private const string Number = @"-?(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b";
    private const string TypeWords = "(TypeId|Type|Kind|AttachType|MapType|ProgType|LinkType)";
    private const string KernelPrefixes = "(Nlmsg|Nlm|Rtm|Ifla|Tca|Nla|Genl|Ctrl|Netdev|Btf|Bpf|Xdp|Tc)";
    private const string NumberSet = @"\{\s*\d+\s*(,\s*\d+\s*){2,}\}";

    /// <summary>What a hand-copied kernel number looks like in code (issue 9 found each of these).</summary>
    private static readonly (string Rule, Regex Pattern)[] NumericRules =
    {
        ("a type or kind compared with a number",
            new($@"\b{TypeWords}\s*[!=]=\s*{Number}|{Number}\s*[!=]=\s*[\w.]*\b(TypeId|Type|Kind)\b")),
        ("a type or kind matched against a number", new($@"\b{TypeWords}\s+is\s+(not\s+)?\(?\s*{Number}")),
        ("a kernel enum made from a bare number", new($@"\(\s*(?:\w+\.)*({KernelEnumNames()})\s*\)\s*\(?\s*{Number}")),
        ("a kernel constant declared as a number",
            new($@"\bconst\s+\w+\s+{KernelPrefixes}[A-Z]\w*\s*=\s*{Number}")),
        ("a set of type numbers",
            new($@"\b(TypeId|Type|Kind)\b[^;\n]*{NumberSet}|{NumberSet}[^;\n]*\b(TypeId|Type|Kind)\b")),
    };

    private static IEnumerable<string> NumericHits(IEnumerable<CSharpSource> files) =>
        NumericRules.SelectMany(r => Hits(files, r.Pattern).Select(h => $"{r.Rule}: {h}"));

    [Fact]
    public void NoNumericKernelConstantOutsideInterop() =>
        NoHits(NumericHits(OutsideInterop), "numeric kernel constants outside Interop");

    private static readonly Regex LiteralErrorId =
        new(@"new\s+BpfException\s*\(\s*[$@]*""|new\s+ErrorRecord\s*\([^,;]+,\s*[$@]*""");

    [Fact]
    public void ErrorIdsComeFromTheCatalog() =>
        NoHits(Hits(Sources.Value, LiteralErrorId, inStrings: true), "an error id as a string literal, not ErrorId.X");

    [Theory]
    [InlineData("throw new BpfException(\"MyId\", \"text\");", true)]
    [InlineData("throw new BpfException($\"{id}\", \"text\");", true)]
    [InlineData("WriteError(new ErrorRecord(e, \"PathNotFound\", ErrorCategory.ObjectNotFound, path));", true)]
    [InlineData("throw new BpfException(ErrorId.PathNotFound, \"text\");", false)]
    [InlineData("WriteError(new ErrorRecord(e, ErrorId.PathNotFound, ErrorCategory.ObjectNotFound, \"x\"));", false)]
    public void TheErrorIdRuleCatchesLiterals(string code, bool caught) =>
        Assert.Equal(caught, Hits(new[] { CSharpSource.FromText(code) }, LiteralErrorId, inStrings: true).Any());

    [Theory]
    [InlineData("if (info.TypeId == 6) return;", true)]
    [InlineData("if (reply.Type == 0x2) return;", true)]
    [InlineData("bool x = prog.Type is 3 or 4;", true)]
    [InlineData("var t = (BpfProgType)6;", true)]
    [InlineData("var t = (Interop.Kernel.BtfKind) 19;", true)]
    [InlineData("private const ushort NlmsgError = 2;", true)]
    [InlineData("if (new[] { 5, 6, 10, 21 }.Contains(info.TypeId)) return;", true)]
    [InlineData("if (info.BtfKeyTypeId == 0) return;", false)]
    [InlineData("if (info.TypeId == (int)BpfProgType.Xdp) return;", false)]
    [InlineData("// TypeId == 6 in a comment\nstring s = \"Kind == 4\";", false)]
    public void TheNumericRulesCatchWhatTheyAreFor(string code, bool caught) =>
        Assert.Equal(caught, NumericHits(new[] { CSharpSource.FromText(code) }).Any());
}
