using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>
/// What Add-XdpProgram and Add-TcProgram share: where the program comes from (a file, a loaded
/// program, a kernel program, a built-in name) and the interfaces it goes to, gathered over the
/// whole pipeline so that several interfaces are attached all together or not at all.
/// </summary>
public abstract partial class AttachCommandBase : ProgramCommandBase
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Ifname")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[] Interface { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected abstract BpfHookKind Hook { get; }

    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin;

    /// <summary>
    /// What ShouldProcess asks about one interface, e.g. "Attach XDP program 'drop' (id 7) in Native mode".
    /// </summary>
    protected abstract string Action(AttachableProgram program);

    /// <summary>Where the program goes, from the cmdlet's parameters (refusing options that do not apply).</summary>
    protected abstract HookPoint At { get; }

    /// <summary>
    /// Interfaces gathered from the pipeline, by the program each record named (null: the file of -Path or
    /// -LiteralPath) and namespace, in the order they came.
    /// </summary>
    private readonly List<(ProgramReference? Program, string? NetNamespace, List<string> Names)> _gathered = new();

    protected override void ProcessRecord()
    {
        // A -Program from the command line is the same reference for every record; one from the pipeline is new.
        ProgramReference? program = ParameterSetName == ProgramSet ? Program : null;
        int at = _gathered.FindIndex(g => ReferenceEquals(g.Program, program) && g.NetNamespace == NetNamespace);
        if (at < 0)
            _gathered.Add((program, NetNamespace, new List<string>()));
        _gathered[at < 0 ? _gathered.Count - 1 : at].Names.AddRange(Interface);
    }

    protected override void EndProcessing()
    {
        HookPoint? at = null;
        Run(() => at = At, ProgramLabel);
        if (at is null) return;
        foreach (ProgramReference? reference in _gathered.Select(g => g.Program).Distinct())
            AttachProgram(reference, at);
    }

    private void AttachProgram(ProgramReference? reference, HookPoint at)
    {
        string label = reference?.Label ?? ProgramLabel;
        var mine = _gathered.Where(g => ReferenceEquals(g.Program, reference)).ToList();
        AttachLoad? load = null;
        Run(() => load = Upgrades.LoadFor(at, Force, mine.Select(g => Query(g.Names, g.NetNamespace))), label);
        if (load is null) return;
        AttachableProgram? program = null;
        Run(() => program = OpenProgram(reference, Hook, UserPinPath, load), label);
        if (program is null) return;
        using var sweep = new PinSweep();
        // A built-in that ends up attached nowhere (-WhatIf, a refused attach, also under -ErrorAction Stop) is
        // gone once disposed: so are its private pins.
        if (program.PinPath is string pins && PrivatePins.IsPrivate(pins))
            sweep.Always();
        using (program)
            foreach (var (_, netns, names) in mine)
                Run(() => AttachChosen(program, at, names, netns, sweep), names);
    }

    private static InterfaceQuery Query(List<string> names, string? netns) =>
        new(names, netns, Wildcards.InterfaceMatcher);

    private void AttachChosen(AttachableProgram program, HookPoint at, List<string> names, string? netns,
        PinSweep sweep)
    {
        var on = new InterfaceQuery(names, netns, Wildcards.InterfaceMatcher);
        var done = Attachments.Attach(program, at, on, Force,
            i => ShouldProcess(i.Name + Where(netns), Action(program)));
        Upgrades.Attached(program, done, sweep);
        if (done.Count == 0) return;
        foreach (IHookAttachment attachment in done)
            WriteVerbose(ActionMessages.Attached(attachment));
        WarnUnpinnedTailCalls(this, program);
        if (PassThru)
            WriteObject(done, enumerateCollection: true);
    }

    protected static string Where(string? netns) => netns is null ? "" : $" in network namespace {netns}";
}
