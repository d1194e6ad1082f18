using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Commands;

/// <summary>
/// Deletes a test network: its namespaces, the veths and programs in them, and EbpfPs's notes about them.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "BpfTestNetwork", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveBpfTestNetworkCommand : EbpfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(TestNetworkNameCompleter))]
    [TestNetworkNameTransformation]
    public string[] Name { get; set; } = null!;

    /// <summary>Remove it even though the process that made it still runs.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override bool NeedsLibbpf => false;

    protected override Privilege Needs => Privilege.NetAdmin | Privilege.SysAdmin;

    protected override void ProcessRecord()
    {
        foreach (string name in Name)
            if (ShouldProcess(name, "Remove test network (its network namespaces and everything in them)"))
                Run(() =>
                {
                    TestNetworkOwnership.CheckRemovable(name, Force);
                    TestNetworks.Remove(name);
                    WriteVerbose($"Removed test network {name} with its network namespaces.");
                }, name);
    }
}
