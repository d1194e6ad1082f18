using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// What the Export- cmdlets share: the file by -Path or -LiteralPath, written once the pipeline is done, under
/// ShouldProcess, and returned as a FileInfo.
/// </summary>
public abstract class FileExportCommandBase : EbpfCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath")]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    protected override bool NeedsLibbpf => false;

    /// <summary>The file to write, as a file-system path.</summary>
    protected string TargetFile => SessionState.Path.GetUnresolvedProviderPathFromPSPath(
        ParameterSetName == "Path" ? Path : LiteralPath);

    /// <summary>Writes the file (what ShouldProcess asks is action) and returns it.</summary>
    protected void WriteFile(string file, string action, Action<string> write)
    {
        if (ShouldProcess(file, action))
            Run(() =>
            {
                write(file);
                WriteObject(new System.IO.FileInfo(file));
            }, file);
    }
}
