using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>
/// What happens to the packet, whichever hook gave the verdict: XDP_DROP and TC_ACT_SHOT are both Drop, so a
/// test written for one hook holds at the other.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum BpfAction
{
    /// <summary>
    /// On up the stack: XDP_PASS; TC_ACT_OK, and the codes tc treats alike (UNSPEC, PIPE, RECLASSIFY).
    /// </summary>
    Pass,
    /// <summary>Dropped: XDP_DROP, TC_ACT_SHOT.</summary>
    Drop,
    /// <summary>Sent elsewhere: XDP_REDIRECT, TC_ACT_REDIRECT.</summary>
    Redirect,
    /// <summary>Sent back out of the interface it came in on: XDP_TX.</summary>
    Tx,
    /// <summary>The program failed: XDP_ABORTED (dropped, with a trace event).</summary>
    Aborted,
    /// <summary>Taken by the program and consumed, not passed on: TC_ACT_STOLEN, TC_ACT_QUEUED, TC_ACT_TRAP.</summary>
    Stolen,
    /// <summary>A return code the hook does not define.</summary>
    Unknown,
}
