using System;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Attach;

/// <summary>Detaching BPF links by id (Remove-BpfProgram -Detach), whoever made them.</summary>
internal static class Links
{
    private static IBpfSystem Sys => BpfSystem.Current;

    public static void Detach(uint linkId, IEnumerable<string> pins)
    {
        using (SafeFdHandle? fd = KernelInventory.OpenById(Libbpf.ObjectKind.Link, linkId))
            if (fd is not null)
                Sys.LinkDetach(fd).OrThrow("detach BPF link", linkId);
        foreach (string pin in pins)
        {
            // The module's tcx pins sit in a folder per namespace, changed only under the TC lock; it removes the
            // pin and the folders left empty.
            if (pin.StartsWith(Tc.TcxPinRoot + "/", StringComparison.Ordinal))
                Tc.RemoveTcxPin(pin);
            else
                Pins.Remove(pin);
        }
    }
}
