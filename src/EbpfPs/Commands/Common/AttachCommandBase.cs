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

    private readonly Dictionary<string, List<string>> _byNamespace = new();

    protected override void ProcessRecord()
    {
        string key = NetNamespace ?? "";
        if (!_byNamespace.TryGetValue(key, out List<string>? list))
            _byNamespace[key] = list = new List<string>();
        list.AddRange(Interface);
    }

    protected override void EndProcessing()
    {
        HookPoint? at = null;
        Run(() => at = At, ProgramLabel);
        if (at is null) return;
        AttachLoad? load = null;
        Run(() => load = Upgrades.LoadFor(at, Force, _byNamespace.Select(n => Query(n.Value, n.Key))), ProgramLabel);
        if (load is null) return;
        AttachableProgram? program = null;
        Run(() => program = OpenProgram(Hook, load), ProgramLabel);
        if (program is null) return;
        using var sweep = new PinSweep();
        // A built-in that ends up attached nowhere (-WhatIf, a refused attach, also under -ErrorAction Stop) is
        // gone once disposed: so are its private pins.
        if (program.PinPath is string pins && PrivatePins.IsPrivate(pins))
            sweep.Always();
        using (program)
            foreach (var (ns, names) in _byNamespace)
            {
                string? netns = ns.Length == 0 ? null : ns;
                Run(() => AttachChosen(program, at, names, netns, sweep), names);
            }
    }

    private static InterfaceQuery Query(List<string> names, string ns) =>
        new(names, ns.Length == 0 ? null : ns, Wildcards.InterfaceMatcher);

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
