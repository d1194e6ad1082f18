using System.Management.Automation;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>Deletes every entry of a map (array maps: sets every value to zero).</summary>
[Cmdlet(VerbsCommon.Clear, "BpfMap", DefaultParameterSetName = InputSet, SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class ClearBpfMapCommand : MapCommandBase
{
    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfMap map in OpenMaps())
                using (map)
                    if (ShouldProcess($"map {map.Info.Name} (id {map.Info.Id})", "Delete every entry"))
                        WriteVerbose($"Cleared {map.Clear()} entries of {map.Info.Name}.");
        });
    }
}
