# Import-Module cost: a fresh pwsh that imports EbpfPs and exits, against a fresh pwsh that only exits.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Runs = 7
)
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$dotnet = [Environment]::ProcessPath

function Measure-Median([scriptblock] $Run, [int] $Count) {
    & $Run | Out-Null  # warm the file cache before timing
    $times = foreach ($i in 1..$Count) { (Measure-Command { & $Run | Out-Null }).TotalMilliseconds }
    ($times | Sort-Object)[[int][Math]::Floor($Count / 2)]
}

$bare = Measure-Median { & $dotnet $pwshDll -NoProfile -NonInteractive -Command 'exit' } $Runs
$import = Measure-Median { & $dotnet $pwshDll -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; exit" } $Runs


[pscustomobject]@{
    BarePwshMs         = [Math]::Round($bare, 1)
    PwshWithImportMs   = [Math]::Round($import, 1)
    ImportOnlyMs       = [Math]::Round($import - $bare, 1)
    Ratio              = [Math]::Round($import / $bare, 3)
} | Format-List | Out-Host
Write-Host ("Import-Module EbpfPs: {0:N3}x a bare 'pwsh -c exit' (median of {1} runs each, same run)" -f ($import / $bare), $Runs)
