#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks EbpfPs.
.DESCRIPTION
    Start it through the repository's .NET tool, so a fresh machine needs only the .NET SDK:
        dotnet tool restore && dotnet pwsh ./build.ps1 Test
    Tasks: Bootstrap (install what is missing), Build (stage out/EbpfPs), Install (Build, then copy the module
    into the current user's module path so Import-Module EbpfPs works by name, and write ~/.local/bin/ebpfps-pwsh,
    which starts this PowerShell from any folder), Package (Build, then out/packages/EbpfPs.<version>.nupkg for
    Install-PSResource from a folder repository), Test, Demo, Bench, Clean.
    Test, Demo and Bench run Bootstrap and Build first; Test and Demo also Install, because the fleet tests and
    the fleet example import the module by name in remote sessions.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Bootstrap', 'Build', 'Install', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
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
    'Install' { Invoke-Build; Invoke-Install }
    'Package' { Invoke-Build; Invoke-Package }
    'Test' { Invoke-Bootstrap; Invoke-Build; Invoke-Install; Invoke-Test }
    'Demo' { Invoke-Bootstrap; Invoke-Build; Invoke-Install; Invoke-Demo }
    'Bench' { Invoke-Bootstrap; Invoke-Build; Invoke-Bench }
    'Clean' { Remove-Item -Recurse -Force $Out, (Join-Path $Root 'src/EbpfPs/bin'), (Join-Path $Root 'src/EbpfPs/obj') -ErrorAction SilentlyContinue }
}
