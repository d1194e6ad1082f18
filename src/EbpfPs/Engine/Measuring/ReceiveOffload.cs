using Newtonsoft.Json;
using Newtonsoft.Json.Converters;

namespace EbpfPs;

/// <summary>
/// GRO on the router's interfaces during -Traffic Tcp or Udp. It decides how often a TC program runs: TC comes
/// after GRO, so with it on one run sees a merged train of frames, while XDP runs before GRO on every frame.
/// </summary>
[JsonConverter(typeof(StringEnumConverter))]
public enum ReceiveOffload
{
    /// <summary>GRO on, as a Linux router has it by default.</summary>
    On,
    /// <summary>GRO off on the router's interfaces: every hook sees every frame.</summary>
    Off,
}
