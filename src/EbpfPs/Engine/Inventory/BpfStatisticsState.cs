using System;

namespace EbpfPs;

/// <summary>Whether kernel BPF run-time statistics are held on by this session, and since when.</summary>
public sealed record BpfStatisticsState(bool Enabled, DateTime? Since);
