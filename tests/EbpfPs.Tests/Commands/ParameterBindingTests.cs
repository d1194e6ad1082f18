using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;
using static EbpfPs.Tests.Commands.PowerShellHost;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// How PowerShell binds -Program, -Network and the parameter sets, seen from what reaches the fake kernel:
/// an id opens that program, a name goes to the built-ins, anything else is a transformation error before
/// the cmdlet runs.
/// </summary>
public sealed class ParameterBindingTests : FakeKernelTest
{
    public ParameterBindingTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(40, "tc_count", BpfProgType.SchedCls)
            .AddMap(7, "counts", BpfMapType.Array, 4, 8).AddMap(8, "flows", BpfMapType.Hash, 4, 8);
        Fake.AddInterface("eth-a");
    }

    private PipelineResult AddXdp(object program) => PowerShellHost.Run(Fake, ps => ps.AddCommand("Add-XdpProgram")
        .AddParameter("Interface", "eth-a").AddParameter("Program", program).AddParameter("Mode", "Generic")
        .AddParameter("PassThru"));

    [Theory]
    [InlineData(20)]
    [InlineData(20u)]
    [InlineData(20L)]
    [InlineData("20")]
    public void AnIdAsNumberOrDigitsOpensThatKernelProgram(object id)
    {
        PipelineResult r = AddXdp(id);

        Assert.True(r.AllErrors.Count() == 0, r.ToString());
        Assert.Equal(20u, Assert.Single(r.Of<XdpAttachment>()).ProgramId);
        Assert.Contains("FdById Program 20", Fake.Log(nameof(IBpfSystem.FdById)));
        Assert.Equal(new[] { "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode" }, Fake.Mutations);
    }

    [Fact]
    public void AProgramFromGetBpfProgramBindsByItsId()
    {
        PipelineResult r = Script(Fake,
            "Get-BpfProgram -Name xdp_* | ForEach-Object { Add-XdpProgram eth-a -Program $_ -Mode Generic -PassThru }");

        Assert.True(r.AllErrors.Count() == 0, r.ToString());
        XdpAttachment done = Assert.Single(r.Of<XdpAttachment>());
        Assert.Equal(("xdp_new", 20u), (done.ProgramName, done.ProgramId));
    }

    [Fact]
    public void ANameIsABuiltinProgramAndNoKernelProgramIsOpened()
    {
        string name = "no-such-builtin-" + Guid.NewGuid().ToString("N")[..6];

        PipelineResult r = AddXdp(name);

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<AddXdpProgramCommand>(ErrorId.BuiltinProgramNotFound), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Equal(name, e.TargetObject);
        Assert.Empty(Fake.Log(nameof(IBpfSystem.FdById)));
        Assert.Empty(Fake.Mutations);
    }

    [Theory]
    [InlineData("")]
    [InlineData(1.5)]
    public void AnythingElseIsATransformationErrorBeforeTheCmdletRuns(object program)
    {
        PipelineResult r = AddXdp(program);

        AssertTransformationError(r, "-Program takes a built-in name, a program id");
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(5000000000L)]
    [InlineData("5000000000")]
    public void ANumberNoProgramIdCanBeSaysSoBeforeTheCmdletRuns(object program)
    {
        PipelineResult r = AddXdp(program);

        AssertTransformationError(r, "is not a program id: ids run from 1 to 4294967295");
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public void AHashtableIsATransformationErrorToo()
    {
        PipelineResult r = AddXdp(new Hashtable { ["Id"] = 20 });

        AssertTransformationError(r, "not Hashtable");
        Assert.Empty(Fake.Calls);
    }

    private static void AssertTransformationError(PipelineResult r, string message)
    {
        var e = Assert.IsAssignableFrom<ParameterBindingException>(r.Terminating);
        Assert.Equal(Fqid<AddXdpProgramCommand>("ParameterArgumentTransformationError"),
            e.ErrorRecord.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, e.ErrorRecord.CategoryInfo.Category);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ANetworkNameReachesTheEngineAsANameAndAMissingOneIsTestNetworkNotFound()
    {
        string name = "ebpfps-missing-" + Guid.NewGuid().ToString("N")[..8];

        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Measure-HookThroughput")
            .AddParameter("Program", 20).AddParameter("Network", name).AddParameter("Count", 1UL));

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<MeasureHookThroughputCommand>(ErrorId.TestNetworkNotFound), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Equal(name, e.TargetObject);
        Assert.Empty(r.Output);
        // Nothing was opened or attached: the network is looked up before the program.
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public void ANetworkOfAnotherTypeIsATransformationError()
    {
        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Measure-HookThroughput")
            .AddParameter("Program", 20).AddParameter("Network", 42));

        var e = Assert.IsAssignableFrom<ParameterBindingException>(r.Terminating);
        Assert.Contains("-Network takes a test network", e.Message);
    }

    [Fact]
    public void PathAndProgramTogetherMatchNoParameterSet()
    {
        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Add-XdpProgram")
            .AddParameter("Interface", "eth-a").AddParameter("Path", "/tmp/x.o").AddParameter("Program", 20));

        var e = Assert.IsType<ParameterBindingException>(r.Terminating);
        Assert.Equal(Fqid<AddXdpProgramCommand>("AmbiguousParameterSet"), e.ErrorRecord.FullyQualifiedErrorId);
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("Get-BpfMapEntry -Id 7 -Name counts")]
    [InlineData("Get-BpfMapEntry -Id 7 -LiteralPath /sys/fs/bpf/x")]
    [InlineData("Get-BpfMapEntry -Name counts -MapName counts")]
    [InlineData("Get-XdpProgram -NetNamespace x -AllNamespaces")]
    public void ExclusiveParametersAreSeparateSets(string command)
    {
        PipelineResult r = PowerShellHost.Script(Fake, "$ErrorActionPreference = 'Stop'; " + command);

        Assert.NotNull(r.Terminating);
        Assert.StartsWith("AmbiguousParameterSet,", r.Terminating!.ErrorRecord.FullyQualifiedErrorId);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public void GetBpfMapEntryHasOneSetPerWayOfNamingAMap()
    {
        PipelineResult r = Script(Fake, "(Get-Command Get-BpfMapEntry).ParameterSets | ForEach-Object Name");

        Assert.Equal(new[] { "Id", "InputObject", "LiteralPath", "Name", "Path" }, r.Output.Cast<string>().Order());
    }

    [Fact]
    public void ByIdTheKernelIsAskedForThatIdOnly()
    {
        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Get-BpfMapEntry").AddParameter("Id", 99));

        Assert.Equal(Fqid<GetBpfMapEntryCommand>(ErrorId.BpfMapNotFound),
            Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        Assert.Equal(new[] { "FdById Map 99 -> ENOENT" }, Fake.Log(nameof(IBpfSystem.FdById)));
        Assert.Empty(Fake.Log(nameof(IBpfSystem.NextId)));
    }

    [Fact]
    public void ByNameEveryMapIsWalkedToFindIt()
    {
        PipelineResult r = Run(Fake, ps => ps.AddCommand("Get-BpfMapEntry").AddParameter("Name", "nosuch"));

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<GetBpfMapEntryCommand>(ErrorId.BpfMapNotFound), e.FullyQualifiedErrorId);
        Assert.Contains("No loaded BPF map is named 'nosuch'", e.ToString());
        Assert.Equal(new[] { "NextId Map 0", "NextId Map 7", "NextId Map 8 -> ENOENT" },
            Fake.Log(nameof(IBpfSystem.NextId)));
    }

    [Fact]
    public void AMapFromGetBpfMapBindsToInputObjectAndOpensByItsId()
    {
        // The map goes away between Get-BpfMap and Get-BpfMapEntry: the second open of id 7 is refused.
        Fake.Fail(nameof(IBpfSystem.FdById), Errno.ENOENT, nth: 2);

        PipelineResult r = PowerShellHost.Script(Fake, "Get-BpfMap -Id 7 | Get-BpfMapEntry");

        Assert.Equal(Fqid<GetBpfMapEntryCommand>(ErrorId.BpfMapNotFound),
            Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        Assert.Equal(new[] { "FdById Map 7", "FdById Map 7 -> ENOENT" }, Fake.Log(nameof(IBpfSystem.FdById)));
    }

    [Fact]
    public void AsBatchWithKeyStopsBeforeAnyMapIsOpened()
    {
        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Get-BpfMapEntry").AddParameter("Id", 7)
            .AddParameter("AsBatch").AddParameter("Key", new object[] { 1 }));

        Assert.NotNull(r.Terminating);
        Assert.Equal(Fqid<GetBpfMapEntryCommand>(ErrorId.AsBatchReadsWholeMap),
            r.Terminating!.ErrorRecord.FullyQualifiedErrorId);
        Assert.Empty(Fake.Calls);
    }

    [Theory]
    [InlineData("([byte[]](198, 18, 0, 2))", "byte[4]")]
    [InlineData("198, 18", "Int32,Int32")]
    [InlineData("@(([byte[]](1, 2)), ([byte[]](3, 4)))", "byte[2],byte[2]")]
    [InlineData("@{ src = '198.18.0.1' }", "Hashtable")]
    public void AByteArrayKeyIsOneKeyAndOtherArraysAreSeveral(string key, string bound)
    {
        // As the binder applies -Key's transformation: before the value is coerced to object[].
        PipelineResult r = PowerShellHost.Script(Fake,
            "function Test-Key { param([EbpfPs.Commands.MapKeyListTransformation()][object[]] $Key) " +
            "($Key | ForEach-Object { if ($_ -is [byte[]]) { \"byte[$($_.Length)]\" } else { $_.GetType().Name } }) " +
            "-join ',' }; Test-Key -Key " + key);

        Assert.True(r.AllErrors.Count() == 0, r.ToString());
        Assert.Equal(bound, Assert.Single(r.Of<string>()));
    }

    [Theory]
    [InlineData("Get-BpfMapEntry", "Key")]
    [InlineData("Remove-BpfMapEntry", "Key")]
    [InlineData("Push-BpfMapEntry", "Value")]
    [InlineData("Test-BpfMapEntry", "Value")]
    public void TheMapEntryCmdletsKeepAByteArrayKeyWhole(string command, string parameter)
    {
        PipelineResult r = PowerShellHost.Script(Fake,
            $"(Get-Command {command}).Parameters['{parameter}'].Attributes | " +
            "Where-Object { $_ -is [EbpfPs.Commands.MapKeyListTransformationAttribute] }");

        Assert.Single(r.Of<MapKeyListTransformationAttribute>());
    }

    [Theory]
    [InlineData("./no-such-object.o")]
    [InlineData("/tmp/ebpfps-no-such/router")]
    public void APathIsAnObjectFileNotABuiltinName(string path)
    {
        PipelineResult r = AddXdp(path);

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<AddXdpProgramCommand>(ErrorId.ObjectFileNotFound), e.FullyQualifiedErrorId);
        Assert.Empty(Fake.Log(nameof(IBpfSystem.FdById)));
        Assert.Empty(Fake.Mutations);
    }
}
