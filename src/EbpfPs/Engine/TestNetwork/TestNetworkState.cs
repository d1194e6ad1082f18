using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.TestNetwork;

/// <summary>
/// The state files of test networks (/run/ebpfps/networks/NAME.json): what New-BpfTestNetwork made, so a later
/// session lists and removes exactly that. The folder is root's alone (0700), a file appears whole or not at all
/// (written to a temporary file and renamed), a name is checked as New-BpfTestNetwork checks it before it becomes a
/// path, and a file that cannot be read as a network is skipped by listings rather than breaking them.
/// </summary>
internal static class TestNetworkState
{
    /// <summary>/run/ebpfps/networks, or below a test's fake kernel's folder while one is in place.</summary>
    public static string Folder => Path.Combine(BpfSystem.Current.StateDirectory, "networks");
    private const int MaxName = 40;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Throws InvalidTestNetworkName unless name could have been made by New-BpfTestNetwork.</summary>
    public static void ValidateName(string name)
    {
        if (name.Length == 0 || name.Length > MaxName
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new BpfException(ErrorId.InvalidTestNetworkName,
                $"'{name}' cannot name a test network: use up to {MaxName} letters, digits, '-' or '_'.", name);
    }

    public static bool Exists(string name) => File.Exists(PathOf(name));

    /// <summary>Writes a new network's file; one of that name that appeared meanwhile is TestNetworkExists.</summary>
    public static void Create(BpfTestNetwork network)
    {
        string target = PathOf(network.Name);
        string temp = Path.Combine(EnsureDirectory(), $".{network.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(network));
            // Not overwriting: rename only if no file has the name (link + unlink), so two sessions making the
            // same name cannot both succeed.
            File.Move(temp, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            throw new BpfException(ErrorId.TestNetworkExists, $"A test network named '{network.Name}' already exists.",
                network.Name);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Replaces a network's file in one step (a reader sees the old file or the new one).</summary>
    public static void Update(BpfTestNetwork network)
    {
        string temp = Path.Combine(EnsureDirectory(), $".{network.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, JsonSerializer.Serialize(network));
            File.Move(temp, PathOf(network.Name), overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>The network of that name: none is TestNetworkNotFound, a bad file TestNetworkStateCorrupt.</summary>
    public static BpfTestNetwork Read(string name)
    {
        ValidateName(name);
        string path = PathOf(name);
        if (!File.Exists(path))
            throw NotFound(name);
        return Parse(path, name) ?? throw new BpfException(ErrorId.TestNetworkStateCorrupt,
            $"The state file of test network '{name}' ({path}) cannot be read as a test network; nothing was done.",
            name, recommendedAction: $"Look at it, delete what it names by hand (ip netns del), then the file.");
    }

    /// <summary>Every network on record, by name; a file that is not one goes to skipped and is left out.</summary>
    public static IReadOnlyList<BpfTestNetwork> ReadAll(Action<string>? skipped)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(Folder, "*.json");
        }
        catch (DirectoryNotFoundException)
        {
            return Array.Empty<BpfTestNetwork>();
        }
        catch (UnauthorizedAccessException)
        {
            throw new BpfException(ErrorId.PermissionDenied,
                $"Test networks are recorded in {Folder}, which only root may read.", Folder,
                recommendedAction: "Run as root (sudo).");
        }
        var result = new List<BpfTestNetwork>();
        foreach (string file in files.OrderBy(f => f, StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            BpfTestNetwork? network = IsValidName(name) ? Parse(file, name) : null;
            if (network is null)
                skipped?.Invoke($"Skipped {file}: it is not the state of a test network EbpfPs made.");
            else
                result.Add(network);
        }
        return result;
    }

    public static void Delete(string name)
    {
        string path = PathOf(name);
        if (File.Exists(path))
            File.Delete(path);
    }

    public static BpfException NotFound(string name) =>
        new(ErrorId.TestNetworkNotFound, $"There is no test network named '{name}'.", name,
            recommendedAction: "Get-BpfTestNetwork lists the ones there are.");

    private static bool IsValidName(string name)
    {
        try { ValidateName(name); return true; }
        catch (BpfException) { return false; }
    }

    /// <summary>The network in a file, or null when the file is not one (its name and namespaces must fit).</summary>
    private static BpfTestNetwork? Parse(string path, string name)
    {
        try
        {
            BpfTestNetwork? n = JsonSerializer.Deserialize<BpfTestNetwork>(File.ReadAllText(path));
            // Only namespaces the network itself made: named after it, plain names under /run/netns.
            bool fits = n is not null && n.Name == name && n.Namespaces.Count > 0
                && n.Namespaces.All(ns => ns.StartsWith(name + "-", StringComparison.Ordinal)
                    && ns.Length < 256 && ns.IndexOfAny(new[] { '/', '\0' }) < 0);
            return fits ? n : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static string PathOf(string name) => Path.Combine(Folder, name + ".json");

    /// <summary>Makes the folder root's alone, tightening one an older version left readable by all.</summary>
    private static string EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException();
        Directory.CreateDirectory(Folder, OwnerOnly);
        File.SetUnixFileMode(Folder, OwnerOnly);
        return Folder;
    }
}
