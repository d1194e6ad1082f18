using System;
using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;

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

    private readonly List<uint> _detached = new();

    protected override void ProcessRecord()
    {
        foreach (string name in Interface)
        {
            Run(() =>
            {
                var found = Engine.Network.NetNamespace.Run(NetNamespace,
                    () => NetInterfaces.Resolve(new[] { name }, NetNamespace, Wildcards.Matcher));
                foreach (var (index, ifname) in found)
                    if (ShouldProcess(ifname + (NetNamespace is null ? "" : $" in network namespace {NetNamespace}"),
                        "Detach XDP program"))
                    {
                        XdpAttachment gone = Xdp.Detach(index, ifname, NetNamespace);
                        _detached.Add(gone.ProgramId);
                        if (PassThru) WriteObject(gone);
                    }
            }, name);
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
