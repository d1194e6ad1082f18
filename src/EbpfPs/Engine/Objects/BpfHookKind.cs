namespace EbpfPs;

/// <summary>Which flavour of a built-in object to load: its programs are compiled once per hook.</summary>
public enum BpfHookKind
{
    Xdp,
    Tc,
}
