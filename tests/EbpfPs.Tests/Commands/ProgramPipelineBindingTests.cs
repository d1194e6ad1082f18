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
/// Programs and attachments down the pipeline: a program binds to -Program (no prompt, each record its own
/// program), and an attachment, link or program leads Get-BpfMap and the map cmdlets to the program's maps, while
/// objects with only an Id still bind to Get-BpfMap -Id. Seen from what reaches the fake kernel.
/// </summary>
public sealed class ProgramPipelineBindingTests : FakeKernelTest
{
    public ProgramPipelineBindingTests()
    {
        Fake.AddMap(7, "src_stats", BpfMapType.LruHash, 4, 16).AddMap(8, "blocked", BpfMapType.Hash, 4, 1)
            .AddMap(12, "blocked", BpfMapType.Hash, 4, 1)
            .AddProgram(20, "guard_xdp", BpfProgType.Xdp, 7, 8)
            .AddProgram(40, "guard_tc", BpfProgType.SchedCls, 7, 8)
            .AddProgram(41, "count_tc", BpfProgType.SchedCls, 12);
        Fake.AddInterface("eth-a");
    }

    [Fact]
    public void AProgramFromThePipelineBindsToProgramWithoutAPrompt()
    {
        PipelineResult r = Script(Fake, "Get-BpfProgram -Name guard_xdp | Add-XdpProgram eth-a -Mode Generic -PassThru");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Equal(20u, Assert.Single(r.Of<XdpAttachment>()).ProgramId);
        Assert.Equal(new[] { "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode" }, Fake.Mutations);
    }

    [Fact]
    public void EachProgramFromThePipelineIsAttachedToTheInterfacesGiven()
    {
        PipelineResult r = Script(Fake, "Get-BpfProgram -Type sched_cls | Add-TcProgram eth-a -PassThru");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Equal(new uint[] { 40, 41 }, r.Of<TcAttachment>().Select(a => a.ProgramId));
        Assert.Equal(2, Fake.Log(nameof(IBpfSystem.TcAttach)).Count);
    }

    [Fact]
    public void AnAttachmentLeadsGetBpfMapToItsProgramsMaps()
    {
        PipelineResult r = Script(Fake,
            "Add-TcProgram eth-a -Program 40 -PassThru | Get-BpfMap; Get-BpfProgram -Id 41 | Get-BpfMap blocked");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Equal(new uint[] { 7, 8, 12 }, r.Of<BpfMapInfo>().Select(m => m.Id));
    }

    [Fact]
    public void ObjectsWithOnlyAnIdStillBindToTheMapId()
    {
        PipelineResult r = Script(Fake, "[pscustomobject]@{ Id = 12 } | Get-BpfMap");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Equal(12u, Assert.Single(r.Of<BpfMapInfo>()).Id);
    }

    [Fact]
    public void AMapNameTheAttachedProgramDoesNotUseIsAnErrorListingItsMaps()
    {
        PipelineResult r = Script(Fake, "Add-XdpProgram eth-a -Program 20 -Mode Generic -PassThru | " +
            "Get-BpfMapEntry -MapName drops");

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<GetBpfMapEntryCommand>(ErrorId.BpfMapNotInProgram), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        Assert.Contains("It uses: src_stats, blocked.", e.Exception.Message);
    }
}
