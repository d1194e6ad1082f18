using System.Collections.Generic;
using System.IO;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// The pins of a namespace's tcx links by interface and direction, from one read of the namespace's pin folder
/// (pins are named IFINDEX-DIRECTION-LINKID), so a listing of n interfaces reads the folder once and not n times.
/// </summary>
internal sealed class TcxPinIndex
{
    private readonly Dictionary<(int, string), List<string>> _byHook = new();

    public TcxPinIndex(string nsKey)
    {
        foreach (string pin in TcBookkeeping.TcxPins(nsKey))
        {
            string[] parts = Path.GetFileName(pin).Split('-');
            if (parts.Length != 3 || !int.TryParse(parts[0], out int ifindex))
                continue;
            if (!_byHook.TryGetValue((ifindex, parts[1]), out List<string>? pins))
                _byHook[(ifindex, parts[1])] = pins = new List<string>();
            pins.Add(pin);
        }
    }

    /// <summary>The pins on one interface and direction ("ingress" or "egress").</summary>
    public IReadOnlyList<string> Of(int ifindex, string direction) =>
        _byHook.TryGetValue((ifindex, direction), out List<string>? pins) ? pins : new List<string>();
}
