using System.Management.Automation;
using EbpfPs.Engine;

namespace EbpfPs.Commands;

/// <summary>
/// Runs at Import-Module. It only registers the library resolver and arms the type and format files for the next
/// command (DeferredModuleData): probing libbpf waits for the first cmdlet that needs it, so importing stays fast
/// and works on a machine without libbpf.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport()
    {
        NativeRuntime.Register();
        DeferredModuleData.LoadOnNextCommand();
    }
}
