using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>Detaches the XDP program from interfaces, in whatever mode it runs.</summary>
[Cmdlet(VerbsCommon.Remove, "XdpProgram", SupportsShouldProcess = true)]
[OutputType(typeof(XdpAttachment))]
public sealed class RemoveXdpProgramCommand : EbpfCmdlet, IDisposable
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[] Interface { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin;

    private readonly List<uint> _detached = new();

    protected override void ProcessRecord()
    {
        foreach (string name in Interface)
            Run(() => DetachFrom(name), name);
    }

    /// <summary>
    /// An exact name is that interface, and one without a program is an error; a pattern detaches from the
    /// interfaces it matches that have a program and skips the others.
    /// </summary>
    private void DetachFrom(string name)
    {
        var found = Engine.Network.NetNamespace.Run(NetNamespace,
            () => NetInterfaces.Find(new[] { name }, NetNamespace, Wildcards.InterfaceMatcher));
        List<(int Index, string Name)> targets = found.Select(f => (f.Index, f.Name)).ToList();
        if (found.Any(f => f.FromPattern))
        {
            var withProgram = Xdp.List(NetNamespace, all => all.Where(i => targets.Contains(i)))
                .Select(a => (Index: a.Ifindex, Name: a.Interface)).ToList();
            foreach (var skipped in targets.Except(withProgram))
                WriteVerbose($"'{skipped.Name}' matches '{name}' but has no XDP program; skipped.");
            targets = withProgram;
        }
        foreach (var (index, ifname) in targets)
            if (ShouldProcess(ifname + (NetNamespace is null ? "" : $" in network namespace {NetNamespace}"),
                "Detach XDP program"))
            {
                XdpAttachment gone = Xdp.Detach(index, ifname, NetNamespace);
                _detached.Add(gone.ProgramId);
                WriteVerbose(ActionMessages.Detached(gone));
                if (PassThru) WriteObject(gone);
            }
    }

    /// <summary>
    /// The private pins of built-ins go with their programs, once those are gone (an XDP detach frees a program
    /// it held last at once, so a short wait tells "gone" from "still attached elsewhere").
    /// </summary>
    /// <remarks>In Dispose, which PowerShell calls when the pipeline ends, stopped by an error or not.</remarks>
    public void Dispose()
    {
        if (_detached.Count > 0)
            PrivatePins.SweepQuietly(_detached, TimeSpan.FromMilliseconds(250));
    }
}
