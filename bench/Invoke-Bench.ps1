# Runs every bench/Bench.*.ps1 in turn. Each measures EbpfPs against a reference in the same run and
# prints the ratio; none of them asserts a time.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory
)
$ErrorActionPreference = 'Stop'
$null = New-Item -ItemType Directory -Force $WorkDirectory
$failed = 0
foreach ($bench in Get-ChildItem $PSScriptRoot -Filter 'Bench.*.ps1' | Sort-Object Name) {
    Write-Host "`n### $($bench.BaseName)" -ForegroundColor Green
    # Each bench's rows are a table of their own: one shared formatter would take the first bench's columns. Wide
    # enough that a log (output redirected: 80 columns) keeps each row on one line.
    try {
        & $bench.FullName -ModulePath $ModulePath -WorkDirectory $WorkDirectory | Format-Table -AutoSize -Wrap |
            Out-String -Width 200 | Out-Host
    }
    catch { $failed++; Write-Warning "$($bench.BaseName) failed: $_" }
}
if ($failed) { exit 1 }
