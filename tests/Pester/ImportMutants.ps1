# The fuzz test's child process: imports every object in -Folder with Import-BpfObject, releases whatever
# loads, and appends one JSON line per object to -ResultPath as soon as it is known, so that when a native
# crash kills this process the parent can name the object it died on.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $Folder,
    [Parameter(Mandatory)][string] $PinRoot,
    [Parameter(Mandatory)][string] $ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$out = [IO.StreamWriter]::new($ResultPath, $true)
$out.AutoFlush = $true
try {
    foreach ($file in Get-ChildItem -LiteralPath $Folder -Filter *.o | Sort-Object Name) {
        # A private pin folder per object: a mutant whose map definition now asks to be pinned by name
        # pins under it, not in /sys/fs/bpf.
        $pin = Join-Path $PinRoot $file.BaseName
        $result = [ordered]@{
            Name = $file.Name; Outcome = 'Loaded'; ErrorId = $null; Category = $null; Exception = $null; Message = $null
        }
        try {
            $obj = Import-BpfObject -LiteralPath $file.FullName -PinPath $pin
            $obj | Remove-BpfObject -Confirm:$false
        }
        catch {
            $result.Outcome = 'Failed'
            $result.ErrorId = ($_.FullyQualifiedErrorId -split ',')[0]
            $result.Category = $_.CategoryInfo.Category.ToString()
            $result.Exception = $_.Exception.GetType().FullName
            $result.Message = $_.Exception.Message
        }
        $out.WriteLine(($result | ConvertTo-Json -Compress))
    }
}
finally {
    $out.Dispose()
}
