<#
.SYNOPSIS
    Packs a staged EbpfPs module folder into EbpfPs.<version>.nupkg, the package PSResourceGet installs.
.DESCRIPTION
    Used by `build.ps1 Package` and by the test that installs the package in a clean pwsh. Compress-PSResource
    (PSResourceGet, shipped with pwsh 7.4+) checks the manifest and packs the folder as Publish-PSResource
    would, without a registered repository: the folder it writes into is itself a local repository for
    Register-PSResourceRepository, and the .nupkg goes into any other with Publish-PSResource -NupkgPath.
    Writes the package's FileInfo.
#>
[CmdletBinding()]
param(
    # The staged module folder (out/EbpfPs): everything in it goes into the package.
    [Parameter(Mandatory)][string] $ModulePath,
    # The folder the .nupkg is written to, created when missing.
    [Parameter(Mandatory)][string] $Destination
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$manifestPath = Join-Path $ModulePath 'EbpfPs.psd1'
$manifest = Import-PowerShellDataFile $manifestPath
# A gallery-style install needs these; PSResourceGet would pack without some of them, and a user would find
# out only when a repository refuses the package or Find-PSResource shows no description.
foreach ($key in 'ModuleVersion', 'Author', 'Description', 'PowerShellVersion', 'CompatiblePSEditions') {
    if (-not $manifest[$key]) { throw "$manifestPath has no $key; a package needs it." }
}
$psData = $manifest.PrivateData.PSData
foreach ($key in 'Tags', 'LicenseUri', 'ProjectUri') {
    if (-not $psData[$key]) { throw "$manifestPath has no PrivateData.PSData.$key; a package needs it." }
}
if (-not (Test-Path (Join-Path $ModulePath 'LICENSE'))) { throw "$ModulePath holds no LICENSE to ship." }

$null = New-Item -ItemType Directory -Force -Path $Destination
$package = Join-Path $Destination "EbpfPs.$($manifest.ModuleVersion).nupkg"
# Compress-PSResource replaces a package of the same version; removing it first makes a failed pack leave no
# stale package behind that looks like this build's.
Remove-Item -LiteralPath $package -ErrorAction SilentlyContinue
Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
Compress-PSResource -Path $ModulePath -DestinationPath $Destination
if (-not (Test-Path -LiteralPath $package)) { throw "Compress-PSResource wrote no $package." }
Get-Item -LiteralPath $package
