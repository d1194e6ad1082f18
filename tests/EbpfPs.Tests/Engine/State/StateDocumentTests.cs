using System.Collections;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.State;
using Xunit;

namespace EbpfPs.Tests.Engine.State;

/// <summary>The desired-state document's shape checks: what is read, and how a mistake is named.</summary>
public class StateDocumentTests
{
    private static readonly Dictionary<string, int> Lines = new()
    {
        ["Programs[0]"] = 3, ["Programs[0].Hook"] = 4, ["Programs[0].Interfaces[1]"] = 5, ["Maps[0].Path"] = 9,
        ["Programs[1]"] = 6,
    };

    private static BpfStateDocument Parse(IDictionary root) =>
        BpfStateDocument.Parse(root, "/etc/ebpfps/router.psd1", "/etc/ebpfps",
            key => Lines.TryGetValue(key, out int line) ? line : null);

    private static Hashtable Program(string hook = "XdpNative", object? interfaces = null) => new()
    {
        ["Object"] = "router", ["Hook"] = hook, ["Interfaces"] = interfaces ?? new object[] { "eth1", "eth2" },
    };

    [Fact]
    public void ReadsProgramsAndMapsWithDefaultsAndSingleItemsAsLists()
    {
        var doc = Parse(new Hashtable
        {
            ["Programs"] = Program("tcingress", "eth1"),
            ["maps"] = new Hashtable { ["Path"] = "/sys/fs/bpf/rout_stats" },
        });
        StateProgram p = Assert.Single(doc.Programs);
        Assert.Equal("router", p.Name);
        Assert.Equal(BpfHook.TcIngress, p.Hook);
        Assert.Equal("eth1", Assert.Single(p.Interfaces).Name);
        Assert.Equal("/sys/fs/bpf/rout_stats", Assert.Single(doc.Maps).Path);
        Assert.Equal("/etc/ebpfps", doc.BaseDirectory);
    }

    [Fact]
    public void NamesFileLineAndKeyOfAnUnknownHook()
    {
        var e = Assert.Throws<BpfException>(() => Parse(new Hashtable { ["Programs"] = Program("XdpTurbo") }));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
        Assert.StartsWith("router.psd1 line 4 (Programs[0].Hook): Hook 'XdpTurbo' is not one of XdpNative", e.Message);
    }

    [Fact]
    public void RefusesNumbersForHooksAndEmptyInterfaceNames()
    {
        Assert.Throws<BpfException>(() => Parse(new Hashtable { ["Programs"] = Program("1") }));
        var e = Assert.Throws<BpfException>(() =>
            Parse(new Hashtable { ["Programs"] = Program(interfaces: new object[] { "eth1", "" }) }));
        Assert.Contains("line 5 (Programs[0].Interfaces[1])", e.Message);
    }

    [Theory]
    [InlineData("Program", "unknown key 'Program'")]
    [InlineData("Interfaces", "unknown key 'Interfaces'")]
    public void RefusesUnknownTopLevelKeys(string key, string message)
    {
        var e = Assert.Throws<BpfException>(() => Parse(new Hashtable { [key] = 1 }));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RefusesTwoEntriesOfOneName()
    {
        var e = Assert.Throws<BpfException>(() =>
            Parse(new Hashtable { ["Programs"] = new object[] { Program(), Program() } }));
        Assert.Equal("router.psd1 line 6 (Programs[1]): a second program entry is named 'router'; give each a unique " +
            "Name.", e.Message);
    }

    [Theory]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    public void AMapIsEitherAPathOrAProgramMap(bool path, bool program, bool map)
    {
        var m = new Hashtable();
        if (path) m["Path"] = "/sys/fs/bpf/x";
        if (program) m["Program"] = "router";
        if (map) m["Map"] = "rout_stats";
        var e = Assert.Throws<BpfException>(() => Parse(new Hashtable { ["Programs"] = Program(), ["Maps"] = m }));
        Assert.Equal(ErrorId.InvalidStateFile, e.ErrorId);
    }

    [Fact]
    public void AProgramMapNamesAProgramEntry()
    {
        var e = Assert.Throws<BpfException>(() => Parse(new Hashtable
        {
            ["Programs"] = Program(), ["Maps"] = new Hashtable { ["Program"] = "fw", ["Map"] = "if_rules_map" },
        }));
        Assert.Equal(ErrorId.StateProgramNotFound, e.ErrorId);
        Assert.Contains("no program entry is named 'fw' (they are: router)", e.Message);
    }

    [Fact]
    public void AnEntryHasAKeyAndAValue()
    {
        var e = Assert.Throws<BpfException>(() => Parse(new Hashtable
        {
            ["Maps"] = new Hashtable { ["Path"] = "/sys/fs/bpf/x", ["Entries"] = new Hashtable { ["Key"] = 1 } },
        }));
        Assert.Contains("(Maps[0].Entries[0]): an entry has a Key and a Value", e.Message);
    }

    [Fact]
    public void APinnedMapPathIsAbsolute()
    {
        var e = Assert.Throws<BpfException>(() =>
            Parse(new Hashtable { ["Maps"] = new Hashtable { ["Path"] = "rout_stats" } }));
        Assert.StartsWith("router.psd1 line 9 (Maps[0].Path)", e.Message);
    }

    [Fact]
    public void WithoutAFileMessagesNameTheKeyOnly() =>
        Assert.Equal("Programs[0].Hook", new StateSource(null, "Programs[0].Hook", null).ToString());
}
