namespace EbpfPs.Engine.TestNetwork;

/// <summary>A test network's interface as the module passes interfaces everywhere else.</summary>
internal static class TestInterfaces
{
    public static NetInterface AsNetInterface(this BpfTestInterface i) => new(i.Ifindex, i.Interface, i.NetNamespace);
}
