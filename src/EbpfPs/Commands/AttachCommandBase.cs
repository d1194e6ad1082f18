using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>
/// What Add-XdpProgram and Add-TcProgram share: where the program comes from (a file, a loaded
/// program, a kernel program, a built-in name) and the interfaces it goes to, gathered over the
/// whole pipeline so that several interfaces are attached all together or not at all.
/// </summary>
public abstract class AttachCommandBase : ProgramCommandBase
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
        using (program)
        {
            foreach (var (netns, names) in _byNamespace)
                Run(() => AttachAll(program, names, netns.Length == 0 ? null : netns), names);
        }
    }

    /// <summary>Resolves the interfaces in their namespace and attaches, after ShouldProcess.</summary>
    protected abstract void AttachAll(AttachableProgram program, List<string> names, string? netns);

    protected List<(int Index, string Name)> ResolveInterfaces(List<string> names, string? netns) =>
        Engine.NetNamespace.Run(netns, () => NetInterfaces.Resolve(names, netns,
            p => { var w = WildcardPattern.Get(p, WildcardOptions.IgnoreCase); return w.IsMatch; }));

    protected static string Where(string? netns) => netns is null ? "" : $" in network namespace {netns}";
}
