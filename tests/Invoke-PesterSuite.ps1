# Runs the Pester suite against the staged module and writes the counts for build.ps1 to add up.
param(
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SummaryPath,
    [string[]] $TestName
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -MinimumVersion 5.5
$env:EBPFPS_MODULE = $ModulePath

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($TestName) { $config.Filter.FullName = $TestName | ForEach-Object { "*$_*" } }
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $SummaryPath
