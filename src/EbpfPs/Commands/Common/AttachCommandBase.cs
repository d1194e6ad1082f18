using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Network;
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

    /// <summary>The engine call: attach to all of the interfaces or none.</summary>
    protected abstract IEnumerable Attach(AttachableProgram program, List<(int Index, string Name)> interfaces,
        string? netns);

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
        AttachableProgram? program = null;
        Run(() => program = OpenProgram(Hook), ProgramLabel);
        if (program is null) return;
        try
        {
            using (program)
                foreach (var (ns, names) in _byNamespace)
                {
                    string? netns = ns.Length == 0 ? null : ns;
                    Run(() => AttachChosen(program, names, netns), names);
                }
        }
        finally
        {
            // A built-in that ended up attached nowhere (-WhatIf, a refused attach, also under -ErrorAction Stop)
            // is gone now: so are its private pins.
            if (program.PinPath is string pins && PrivatePins.IsPrivate(pins))
                PrivatePins.SweepQuietly();
        }
    }

    private void AttachChosen(AttachableProgram program, List<string> names, string? netns)
    {
        var chosen = new List<(int Index, string Name)>();
        foreach (var i in ResolveInterfaces(names, netns))
            if (ShouldProcess(i.Name + Where(netns), Action(program)))
                chosen.Add(i);
        if (chosen.Count == 0) return;
        IEnumerable done = Attach(program, chosen, netns);
        foreach (object attachment in done)
            WriteVerbose(ActionMessages.Attached(attachment));
        WarnUnpinnedTailCalls(this, program);
        if (PassThru)
            WriteObject(done, enumerateCollection: true);
    }

    private static List<(int Index, string Name)> ResolveInterfaces(List<string> names, string? netns) =>
        Engine.Network.NetNamespace.Run(netns, () => NetInterfaces.Resolve(names, netns, Wildcards.InterfaceMatcher));

    protected static string Where(string? netns) => netns is null ? "" : $" in network namespace {netns}";
}
