namespace EbpfPs;

/// <summary>
/// When Set-BpfMapEntry may write: always, only a new key, or only an existing one (BPF_ANY, BPF_NOEXIST, BPF_EXIST).
/// </summary>
public enum MapUpdateFlag
{
    Any = 0,
    NoExist = 1,
    Exist = 2,
}
