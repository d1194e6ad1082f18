using System;
using System.IO;

namespace EbpfPs.Tests.Conventions;

/// <summary>The repository the tests were built from: the folder above their build output with EbpfPs.psd1.</summary>
internal static class Repository
{
    private static readonly Lazy<string> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EbpfPs.psd1")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No EbpfPs.psd1 above {AppContext.BaseDirectory}.");
    });

    public static string Root => Found.Value;
}
