# Getting the module to users outside the clone: the pwsh launcher Install writes and the package Package builds.
# Dot-sourced by tools/BuildTasks.ps1, which sets $Root, $Out and $ModuleOut.

function Get-LauncherPath {
    # ~/.local/bin: the per-user program folder of the XDG layout, on PATH in many distributions' profiles; the
    # README calls the launcher by this full path, so it works where it is not on PATH.
    return Join-Path $HOME '.local/bin/ebpfps-pwsh'
}

function ConvertTo-ShellWord([string] $Text) {
    # One sh word whatever the text holds: single-quoted, each quote closed, escaped and reopened.
    return "'" + $Text.Replace("'", "'\''") + "'"
}

function New-PwshLauncher([string] $Path = (Get-LauncherPath)) {
    # `dotnet pwsh` finds the pinned PowerShell only through .config/dotnet-tools.json, looked up from the
    # current folder upwards, so outside the clone it fails. The launcher starts that same PowerShell (the one
    # running this build) directly, from any folder, and keeps the caller's current folder.
    $exe = [Environment]::ProcessPath
    $underDotnet = (Split-Path -Leaf $exe) -notlike 'pwsh*'
    $target = if ($underDotnet) { Join-Path $PSHOME 'pwsh.dll' } else { $exe }
    $text = @(
        '#!/bin/sh'
        "# PowerShell $($PSVersionTable.PSVersion) as the EbpfPs clone $Root pins it, started in the current folder."
        '# Written by build.ps1 Install; run that again after the pinned version changes.'
        "target=$(ConvertTo-ShellWord $target)"
        "clone=$(ConvertTo-ShellWord $Root)"
        'if [ ! -e "$target" ]; then'
        '    echo "ebpfps-pwsh: $target is gone; run ''dotnet tool restore'' and ''dotnet pwsh ./build.ps1 Install'' in $clone" >&2'
        '    exit 127'
        'fi'
        $(if ($underDotnet) { "exec $(ConvertTo-ShellWord $exe) `"`$target`" `"`$@`"" } else { 'exec "$target" "$@"' })
    ) -join "`n"
    $null = New-Item -ItemType Directory -Force -Path (Split-Path $Path)
    # Written beside and renamed, so a session starting the launcher meanwhile never reads half a script.
    $temporary = "$Path.$PID.tmp"
    Set-Content -LiteralPath $temporary -Value $text
    & chmod 0755 $temporary
    if ($LASTEXITCODE -ne 0) { throw "chmod of $temporary failed" }
    Move-Item -LiteralPath $temporary -Destination $Path -Force
    return $Path
}

function Invoke-Package {
    # The staged module as out/packages/EbpfPs.<version>.nupkg; out/packages is a folder repository as it is.
    $destination = Join-Path $Out 'packages'
    Write-Step 'Package: EbpfPs .nupkg'
    $package = & (Join-Path $Root 'tools/New-ModulePackage.ps1') -ModulePath $ModuleOut -Destination $destination
    Write-Host "Package in $($package.FullName); install it with:"
    Write-Host "  Register-PSResourceRepository -Name EbpfPsLocal -Uri '$destination' -Trusted"
    Write-Host '  Install-PSResource EbpfPs -Repository EbpfPsLocal'
}
