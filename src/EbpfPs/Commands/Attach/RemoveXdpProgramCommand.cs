using System;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Attach;

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

    private readonly PinSweep _sweep = new();

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
        var on = new InterfaceQuery(new[] { name }, NetNamespace, Wildcards.InterfaceMatcher);
        foreach (XdpAttachment gone in Attachments.DetachXdp(on,
                     i => ShouldProcess(i.Name + (NetNamespace is null ? "" : $" in network namespace {NetNamespace}"),
                         "Detach XDP program"),
                     skipped: i => WriteVerbose($"'{i.Name}' matches '{name}' but has no XDP program; skipped."),
                     _sweep))
        {
            WriteVerbose(ActionMessages.Detached(gone));
            if (PassThru) WriteObject(gone);
        }
    }

    /// <summary>The private pins of built-ins go with their programs, once those are gone.</summary>
    /// <remarks>In Dispose, which PowerShell calls when the pipeline ends, stopped by an error or not.</remarks>
    public void Dispose() => _sweep.Dispose();
}
