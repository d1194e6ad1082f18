using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Commands;

/// <summary>
/// Removes BPF programs from TC hooks, leaving other filters and the qdisc alone (the qdisc goes only
/// when EbpfPs created it and nothing is left on it).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "TcProgram", DefaultParameterSetName = SelectSet, SupportsShouldProcess = true)]
[OutputType(typeof(TcAttachment))]
public sealed class RemoveTcProgramCommand : EbpfCmdlet, IDisposable
{
    private const string SelectSet = "Select", ObjectSet = "Object";

    [Parameter(Mandatory = true, ParameterSetName = ObjectSet, ValueFromPipeline = true)]
    public TcAttachment InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SelectSet)]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Interface { get; set; } = null!;

    [Parameter(ParameterSetName = SelectSet)]
    public TcDirection Direction { get; set; } = TcDirection.Ingress;

    [Parameter(ParameterSetName = SelectSet)]
    public uint Priority { get; set; }

    [Parameter(ParameterSetName = SelectSet)]
    public uint Handle { get; set; }

    [Parameter(ParameterSetName = SelectSet)]
    [ArgumentCompleter(typeof(KernelProgramNameCompleter))]
    public string? ProgramName { get; set; }

    [Parameter(ParameterSetName = SelectSet)]
    [ArgumentCompleter(typeof(NetNamespaceCompleter))]
    public string? NetNamespace { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override Privilege Needs => Privilege.Bpf | Privilege.NetAdmin;

    private readonly PinSweep _sweep = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ObjectSet)
        {
            Remove(InputObject);
            return;
        }
        Run(() =>
        {
            var name = ProgramName is null ? null : Wildcards.Matcher(ProgramName);
            foreach (TcAttachment a in Attachments.FindTc(Interface, NetNamespace, Direction, Priority, Handle, name))
                Remove(a);
        }, Interface);
    }

    private void Remove(TcAttachment a)
    {
        string target = $"{a.Interface} " +
            $"{a.Direction}{(a.NetNamespace is null ? "" : $" in network namespace {a.NetNamespace}")}";
        if (ShouldProcess(target,
            $"Remove TC program '{a.ProgramName}' ({a.Mode}, priority {a.Priority}, handle {a.Handle})"))
            Run(() =>
            {
                Attachments.Detach(a, _sweep);
                WriteVerbose(ActionMessages.Detached(a));
                if (PassThru) WriteObject(a);
            }, a);
    }

    /// <summary>The private pins of built-ins go with their programs, once those are gone.</summary>
    /// <remarks>In Dispose, which PowerShell calls when the pipeline ends, stopped by an error or not.</remarks>
    public void Dispose() => _sweep.Dispose();
}
