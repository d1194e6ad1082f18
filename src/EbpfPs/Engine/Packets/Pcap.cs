using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Packets;

/// <summary>Writes frames as a classic pcap file (LINKTYPE_ETHERNET) that Wireshark and tshark open.</summary>
public static class Pcap
{
    public static void Write(string path, IEnumerable<byte[]> frames, DateTime? timestamp = null)
    {
        using var file = new BinaryWriter(Create(path));
        file.Write(0xa1b2c3d4u);  // magic: microsecond timestamps, written in our byte order
        file.Write((ushort)2);    // version 2.4
        file.Write((ushort)4);
        file.Write(0);            // timezone offset
        file.Write(0u);           // timestamp accuracy
        file.Write(65535u);       // snap length
        file.Write(1u);           // LINKTYPE_ETHERNET
        DateTime t = (timestamp ?? DateTime.UtcNow).ToUniversalTime();
        long micros = (t - DateTime.UnixEpoch).Ticks / 10;
        foreach (byte[] frame in frames)
        {
            file.Write((uint)(micros / 1_000_000));
            file.Write((uint)(micros % 1_000_000));
            file.Write((uint)frame.Length);
            file.Write((uint)frame.Length);
            file.Write(frame);
            micros++;
        }
    }

    /// <summary>Creates the file, turning what the file system says into the module's errors.</summary>
    internal static FileStream Create(string path)
    {
        if (path.Contains('\0'))
            throw new BpfException(ErrorId.FileWriteFailed,
                $"'{path.Replace('\0', '?')}' holds a NUL character, which no file name can hold.",
                path.Replace('\0', '?'));
        // A FIFO would block the open until someone reads it; a folder cannot be written.
        Result<int> type = Libc.FileType(path);
        if (type.Ok && type.Value != Libc.RegularFile)
            throw new BpfException(ErrorId.FileWriteFailed,
                $"'{path}' is not a regular file (a folder, FIFO or device); name a file to write.", path);
        try
        {
            return File.Create(path);
        }
        catch (DirectoryNotFoundException)
        {
            throw new BpfException(ErrorId.PathNotFound,
                $"The folder of '{path}' does not exist; make it first (New-Item -ItemType Directory).", path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BpfException(ErrorId.PermissionDenied, $"Cannot write '{path}': {e.Message}", path,
                recommendedAction: "Write somewhere you may, or run as a user who may write there.");
        }
        catch (IOException e)
        {
            throw new BpfException(ErrorId.FileWriteFailed, $"Cannot write '{path}': {e.Message}", path);
        }
    }
}
