using System.Management.Automation;

namespace MinimalModule;

/// <summary>The reference module's one cmdlet: importing it costs what PowerShell charges any binary module.</summary>
[Cmdlet(VerbsCommon.Get, "Minimal")]
public sealed class GetMinimalCommand : PSCmdlet
{
    protected override void ProcessRecord() => WriteObject(true);
}
