#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks EbpfPs.
.DESCRIPTION
    Start it through the repository's .NET tool, so a fresh machine needs only the .NET SDK:
        dotnet tool restore && dotnet pwsh ./build.ps1 Test
    Tasks: Bootstrap (install what is missing), Build (stage out/EbpfPs), Test, Demo, Bench, Clean.
    Test, Demo and Bench run Bootstrap and Build first.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Bootstrap', 'Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Passed to Invoke-Pester's filter: run only tests whose path matches (e.g. 'Get-BpfProgram').
    [string[]] $TestName
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'EbpfPs'
. (Join-Path $Root 'tools/BuildTasks.ps1')

switch ($Task) {
    'Bootstrap' { Invoke-Bootstrap }
    'Build' { Invoke-Build }
    'Test' { Invoke-Bootstrap; Invoke-Build; Invoke-Test }
    'Demo' { Invoke-Bootstrap; Invoke-Build; Invoke-Demo }
    'Bench' { Invoke-Bootstrap; Invoke-Build; Invoke-Bench }
    'Clean' { Remove-Item -Recurse -Force $Out, (Join-Path $Root 'src/EbpfPs/bin'), (Join-Path $Root 'src/EbpfPs/obj') -ErrorAction SilentlyContinue }
}
