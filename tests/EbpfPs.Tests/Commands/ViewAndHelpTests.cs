using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// What a user reads: the default table views (the format files the manifest names) and the help. Full help
/// needs the MAML that `build.ps1 Build` generates from docs/help; without it, Get-Help shows the syntax
/// PowerShell derives from the cmdlet's parameters, and that is what is checked then.
/// </summary>
public sealed class ViewAndHelpTests : FakeKernelTest
{
    public ViewAndHelpTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(11, "old_generic", BpfProgType.Xdp)
            .AddProgram(40, "tc_count", BpfProgType.SchedCls);
        Fake.AddInterface("eth-a");
        Fake.SetXdp("eth-a", XdpAttachMode.Skb, 11);
    }

    private PipelineResult Ps(string script)
    {
        PipelineResult r = PowerShellHost.Script(Fake, script);
        Assert.True(!r.AllErrors.Any(), r.ToString());
        return r;
    }

    /// <summary>
    /// A table view's columns for a type, from the format files: label, width (0 for a last column that takes the
    /// rest), property shown. The default view is named after the type; named views (Wide) by their name.
    /// </summary>
    private static (string Label, int Width, string Property)[] ViewColumns(string typeName, string? viewName = null)
    {
        XElement view = PowerShellHost.FormatFiles.Select(XDocument.Load).SelectMany(d => d.Descendants("View"))
            .Single(v => v.Element("Name")!.Value == (viewName ?? typeName)
                && v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == typeName));
        var headers = view.Descendants("TableColumnHeader").ToArray();
        var items = view.Descendants("TableColumnItem").ToArray();
        return headers.Zip(items, (h, i) => (h.Element("Label")!.Value,
            h.Element("Width") is { } w ? int.Parse(w.Value) : 0, i.Element("PropertyName")!.Value)).ToArray();
    }

    /// <summary>
    /// Checks a rendered table column by column where the view's columns fit in the width: the header holds the
    /// label, the rule under it is as long as the label, the row holds the property's value. Returns how many fit.
    /// </summary>
    private static int AssertTable(string text, object item, string typeName, int width, string? viewName = null)
    {
        string[] lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        Assert.All(lines, l => Assert.True(l.Length <= width, $"wider than {width}: '{l}'"));
        int rule = Array.FindIndex(lines, l => l.StartsWith('-') && l.Trim('-', ' ').Length == 0);
        string header = lines[0], dashes = lines[rule], row = lines[rule + 1];
        int start = 0, fitted = 0;
        foreach (var (label, fixedWidth, property) in ViewColumns(typeName, viewName))
        {
            int w = fixedWidth > 0 ? fixedWidth : width - start;
            if (start + w > width)
                break;
            string Cell(string line) =>
                line.Length <= start ? "" : line.Substring(start, Math.Min(w, line.Length - start)).Trim();
            object? value = item.GetType().GetProperty(property)!.GetValue(item);
            Assert.Equal(label, Cell(header));
            Assert.Equal(new string('-', label.Length), Cell(dashes));
            Assert.Equal(value?.ToString() ?? "", Cell(row));
            start += w + 1;
            fitted++;
        }
        return fitted;
    }

    [Fact]
    public void AnXdpAttachmentIsATableOfTheViewsColumns()
    {
        PipelineResult r = Ps("$a = Add-XdpProgram eth-a 20 -Mode Generic -Force -PassThru; $a; " +
                              "$a | Out-String -Width 80; $a | Format-Table -View Wide | Out-String -Width 200");
        XdpAttachment a = Assert.Single(r.Of<XdpAttachment>());
        string[] text = r.Of<string>().ToArray();

        // At 80 columns the default view's five (NetNamespace, Interface, Mode, ProgramId, ProgramName); the Wide
        // view adds Ifindex, ProgramTag and the replaced program.
        Assert.Equal(5, AssertTable(text[0], a, "EbpfPs.XdpAttachment", 80));
        Assert.Equal(8, AssertTable(text[1], a, "EbpfPs.XdpAttachment", 200, "Wide"));
        Assert.Equal(11u, a.ReplacedProgramId);
    }

    [Fact]
    public void ATcAttachmentIsATableOfTheViewsColumns()
    {
        PipelineResult r = Ps("$a = Add-TcProgram eth-a 40 -Direction Egress -PassThru; $a; " +
                              "$a | Out-String -Width 80; $a | Format-Table -View Wide | Out-String -Width 200");
        TcAttachment a = Assert.Single(r.Of<TcAttachment>());
        string[] text = r.Of<string>().ToArray();

        Assert.Equal(6, AssertTable(text[0], a, "EbpfPs.TcAttachment", 80));
        Assert.Equal(9, AssertTable(text[1], a, "EbpfPs.TcAttachment", 200, "Wide"));
    }

    [Fact]
    public void HelpShowsTheSyntaxOfEveryParameterSetAndTheMarkdownTextWhenBuilt()
    {
        string help = string.Concat(Ps("Get-Help Add-XdpProgram -Full | Out-String -Width 250").Of<string>());

        // One line per parameter set, -Program typed by what it binds to, ShouldProcess's switches.
        foreach (string set in new[] { @"\[-Program\] <ProgramReference>", "-Path <string>", "-LiteralPath <string>" })
            Assert.Matches(new Regex(@$"Add-XdpProgram .*\[-Interface\] <string\[\]> .*{set}.*\[-WhatIf\] \[-Confirm\]",
                RegexOptions.IgnoreCase), help);
        string maml = Path.Combine(AppContext.BaseDirectory, "en-US", "EbpfPs.dll-Help.xml");
        if (!File.Exists(maml))
            return; // `build.ps1 Build` has not run: the syntax from the metadata is all the help there is

        string markdown = File.ReadAllText(Path.Combine(PowerShellHost.Root, "docs/help/Add-XdpProgram.md"));
        string Section(string name) => Regex.Match(markdown, $@"## {name}\s*\n(.+)").Groups[1].Value.Trim();
        Assert.Contains(Section("SYNOPSIS"), help);
        Assert.Contains(Section("DESCRIPTION"), help);
        Assert.Contains(Regex.Match(markdown, @"### -Program\s*\n(.+)").Groups[1].Value.Trim(), help);
        Assert.Matches(
            @"-Program <ProgramReference>\s+A built-in program name[\s\S]*?Required\?\s+true\s+Position\?\s+1", help);
        // A switch takes no value on a syntax line.
        Assert.Contains("[-Force] [-PassThru]", help);
        Assert.Contains("EXAMPLE 1", help, StringComparison.OrdinalIgnoreCase);
    }
}
