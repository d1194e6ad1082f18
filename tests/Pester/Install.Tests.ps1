# The module outside its clone, as a user gets it: build.ps1 Install's launcher and the README's commands run
# from a folder of the user's, and build.ps1 Package's .nupkg installed by name with PSResourceGet.
# Every child pwsh runs with a temporary HOME (and no XDG_* or PSModulePath of ours), so its user module folder
# and PSResourceGet's repository list are temporary too: nothing here touches the real user's.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:module = Get-Module EbpfPs
    $script:kernel = (& uname -r).Trim()
    $script:scratch = [Collections.Generic.List[string]]::new()

    function New-ScratchFolder([string] $Purpose) {
        $path = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-$Purpose-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $null = New-Item -ItemType Directory -Path $path
        $script:scratch.Add($path)
        return $path
    }

    function Invoke-AsFreshUser {
        # Runs a program as a user whose HOME is $HomePath would, in $WorkingDirectory: the exit code and output.
        param([string] $HomePath, [string] $WorkingDirectory, [string[]] $Command, [hashtable] $Environment = @{})
        $start = [Diagnostics.ProcessStartInfo]::new($Command[0])
        foreach ($a in $Command | Select-Object -Skip 1) { $start.ArgumentList.Add($a) }
        $start.WorkingDirectory = $WorkingDirectory
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        foreach ($name in @($start.Environment.Keys)) {
            if ($name -eq 'PSModulePath' -or $name -like 'XDG_*' -or $name -like 'EBPFPS_*') { $null = $start.Environment.Remove($name) }
        }
        $start.Environment['HOME'] = $HomePath
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        $process = [Diagnostics.Process]::Start($start)
        $out = $process.StandardOutput.ReadToEndAsync(); $err = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(180000)) { $process.Kill($true); throw "$($Command -join ' ') did not finish in 180 s" }
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Out      = @($out.Result -split "`r?`n" | Where-Object { $_ -ne '' })
            Err      = $err.Result.Trim()
        }
    }

    function Get-PwshCommand {
        # This PowerShell as a child: under the .NET tool this process is dotnet and pwsh.dll is PowerShell.
        $exe = [Environment]::ProcessPath
        @($exe) + $(if ((Split-Path -Leaf $exe) -notlike 'pwsh*') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NonInteractive', '-Command')
    }

    function Get-RelativeFiles([string] $Folder) {
        $prefix = (Resolve-Path $Folder).ProviderPath.TrimEnd('/') + '/'
        @(Get-ChildItem -LiteralPath $Folder -Recurse -File | ForEach-Object { $_.FullName.Substring($prefix.Length) } | Sort-Object)
    }
}

AfterAll {
    foreach ($path in $script:scratch) { Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'build.ps1 Install and the README from a folder outside the clone' {
    BeforeAll {
        $script:userHome = New-ScratchFolder 'home'
        $script:ownFolder = New-ScratchFolder 'own'
        # build.ps1 Install's own function, on the module under test; Pester comes from the real NuGet cache.
        $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
        $install = "`$ErrorActionPreference = 'Stop'; `$Root = '$root'; `$Out = '$userHome/out'; " +
            "`$ModuleOut = '$($module.ModuleBase)'; . '$root/tools/BuildTasks.ps1'; Invoke-Install"
        $script:installed = Invoke-AsFreshUser $userHome $ownFolder ((Get-PwshCommand) + $install) @{ NUGET_PACKAGES = $nuget }
        $script:launcher = Join-Path $userHome '.local/bin/ebpfps-pwsh'
        # The README's "ebpfps-pwsh -c" lines, run as a shell runs them; its Pester line needs a test of the user's.
        $script:readmeLines = @(Get-Content (Join-Path $root 'README.md') | Where-Object { $_ -match '^\s{4}~/\.local/bin/ebpfps-pwsh -c ' })
        Set-Content (Join-Path $ownFolder 'my.Tests.ps1') @"
Describe 'my program' { It 'sees the kernel' { Import-Module EbpfPs; (Get-BpfFeature -Category System -Name Kernel).Value | Should -Be '$kernel' } }
"@
    }

    It 'Install copies the module into the user module folder and writes an executable launcher' {
        $installed.ExitCode | Should -Be 0 -Because ($installed.Out + $installed.Err -join "`n")
        $version = $module.Version.ToString()
        $target = Join-Path $userHome ".local/share/powershell/Modules/EbpfPs/$version"
        Get-RelativeFiles $target | Should -Be (Get-RelativeFiles $module.ModuleBase)
        $launcher | Should -Exist
        (Get-Item $launcher).UnixFileMode.HasFlag([IO.UnixFileMode]::UserExecute) | Should -BeTrue
        $installed.Out -join "`n" | Should -Match ([regex]::Escape($launcher))
    }

    It 'the launcher starts this PowerShell in the caller''s folder, and Import-Module finds the installed module' {
        $probe = 'Import-Module EbpfPs; $PSVersionTable.PSVersion.ToString(); $PWD.Path; (Get-Module EbpfPs).ModuleBase; ' +
            '(Get-BpfFeature -Category System -Name Kernel).Value'
        $r = Invoke-AsFreshUser $userHome $ownFolder @($launcher, '-NoProfile', '-c', $probe)
        $r.ExitCode | Should -Be 0 -Because $r.Err
        $r.Out[0] | Should -Be $PSVersionTable.PSVersion.ToString()
        $r.Out[1] | Should -Be $ownFolder
        $r.Out[2] | Should -Be (Join-Path $userHome ".local/share/powershell/Modules/EbpfPs/$($module.Version)")
        $r.Out[3] | Should -Be $kernel
    }

    It 'the README documents ebpfps-pwsh commands, one of them Import-Module EbpfPs with Get-BpfFeature' {
        $readmeLines.Count | Should -BeGreaterOrEqual 2
        $readmeLines | Where-Object { $_ -match 'Import-Module EbpfPs; Get-BpfFeature' } | Should -Not -BeNullOrEmpty
    }

    It 'every README line "<_>" runs from the user''s own folder without an error' -ForEach @(
        Get-Content (Join-Path $PSScriptRoot '../../README.md') | Where-Object { $_ -match '^\s{4}~/\.local/bin/ebpfps-pwsh -c ' } |
            ForEach-Object Trim
    ) {
        $r = Invoke-AsFreshUser $userHome $ownFolder @('/bin/sh', '-c', $_)
        $r.ExitCode | Should -Be 0 -Because ($r.Out + $r.Err -join "`n")
        $r.Err | Should -BeNullOrEmpty
        $r.Out | Should -Not -BeNullOrEmpty
        if ($_ -match 'Get-BpfFeature') { $r.Out -join "`n" | Should -Match ([regex]::Escape($kernel)) }
        # Pester colours its summary even into a pipe; the colour codes go before the text is read.
        if ($_ -match 'Invoke-Pester') { ($r.Out -join "`n") -replace '\e\[[0-9;]*m' | Should -Match 'Tests Passed: 1, Failed: 0' }
    }

    It 'a launcher whose PowerShell is gone says how to restore it instead of failing obscurely' {
        $broken = Join-Path $userHome 'broken-launcher'
        (Get-Content -Raw $launcher) -replace "(?m)^target=.*$", "target='/nonexistent/ebpfps/pwsh.dll'" | Set-Content $broken
        & chmod 0755 $broken
        $r = Invoke-AsFreshUser $userHome $ownFolder @($broken, '-c', 'exit 0')
        $r.ExitCode | Should -Be 127
        $r.Err | Should -Match "dotnet tool restore.*build\.ps1 Install.*$([regex]::Escape($root))"
    }
}

Describe 'build.ps1 Package and PSResourceGet' {
    BeforeAll {
        $script:packages = New-ScratchFolder 'packages'
        $script:package = & (Join-Path $root 'tools/New-ModulePackage.ps1') -ModulePath $module.ModuleBase -Destination $packages
        $script:userHome = New-ScratchFolder 'home'
        $script:ownFolder = New-ScratchFolder 'own'
        $script:repository = New-ScratchFolder 'repository'
        # The real user's repository list, which the round trip must leave as it was.
        $script:realStore = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
        $script:realStoreBefore = if (Test-Path $realStore) { (Get-FileHash $realStore).Hash } else { 'absent' }
        $script:repoName = "EbpfPsTest$([guid]::NewGuid().ToString('N').Substring(0, 12))"
        $roundTrip = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name '$repoName' -Uri '$repository' -Trusted
try {
    Publish-PSResource -NupkgPath '$($package.FullName)' -Repository '$repoName'
    Install-PSResource -Name EbpfPs -Repository '$repoName' -TrustRepository -Quiet
    Import-Module EbpfPs
    'base=' + (Get-Module EbpfPs).ModuleBase
    'installed=' + (Get-InstalledPSResource -Name EbpfPs).Repository
    'kernel=' + (Get-BpfFeature -Category System -Name Kernel).Value
}
finally { Unregister-PSResourceRepository -Name '$repoName' }
'repositories=' + ((Get-PSResourceRepository).Name -join ',')
"@
        $script:result = Invoke-AsFreshUser $userHome $ownFolder ((Get-PwshCommand) + $roundTrip)
        $script:values = @{}
        foreach ($line in $result.Out) { if ($line -match '^(\w+)=(.*)$') { $values[$Matches[1]] = $Matches[2] } }
    }

    It 'packs EbpfPs.(version).nupkg with everything the staged module holds and the manifest''s metadata' {
        $package.Name | Should -Be "EbpfPs.$($module.Version).nupkg"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $entries = @($zip.Entries | ForEach-Object FullName)
            foreach ($file in Get-RelativeFiles $module.ModuleBase) { $entries | Should -Contain $file }
            $reader = [IO.StreamReader]::new($zip.GetEntry('EbpfPs.nuspec').Open())
            $nuspec = [xml]$reader.ReadToEnd(); $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $manifest = Import-PowerShellDataFile (Join-Path $module.ModuleBase EbpfPs.psd1)
        $nuspec.package.metadata.id | Should -Be 'EbpfPs'
        $nuspec.package.metadata.version | Should -Be $manifest.ModuleVersion
        $nuspec.package.metadata.authors | Should -Be $manifest.Author
        $nuspec.package.metadata.description | Should -Be $manifest.Description
        $nuspec.package.metadata.licenseUrl | Should -Be $manifest.PrivateData.PSData.LicenseUri
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'PSEdition_Core'
    }

    It 'Publish-PSResource puts it in a folder repository and Install-PSResource installs it by name there' {
        $result.ExitCode | Should -Be 0 -Because ($result.Out + $result.Err -join "`n")
        Join-Path $repository $package.Name | Should -Exist
        $values.installed | Should -Be $repoName
        $values.base | Should -Be (Join-Path $userHome ".local/share/powershell/Modules/EbpfPs/$($module.Version)")
        $missing = @(Get-RelativeFiles $module.ModuleBase | Where-Object { -not (Test-Path (Join-Path $values.base $_)) })
        $missing | Should -BeNullOrEmpty
    }

    It 'the installed module runs: Get-BpfFeature reports the running kernel' {
        $values.kernel | Should -Be $kernel
    }

    It 'leaves no repository registered, and the real user''s repository list as it was' {
        $values.repositories -split ',' | Should -Not -Contain $repoName
        $now = if (Test-Path $realStore) { (Get-FileHash $realStore).Hash } else { 'absent' }
        $now | Should -Be $realStoreBefore
    }

    It 'refuses a manifest without a Description, and writes no package' {
        $copy = New-ScratchFolder 'nodescription'
        Copy-Item -Recurse (Join-Path $module.ModuleBase '*') $copy
        $psd1 = Join-Path $copy 'EbpfPs.psd1'
        (Get-Content -Raw $psd1) -replace "(?m)^\s*Description\s*=.*$", '' | Set-Content $psd1
        $out = New-ScratchFolder 'nodescription-out'
        { & (Join-Path $root 'tools/New-ModulePackage.ps1') -ModulePath $copy -Destination $out } |
            Should -Throw '*has no Description*'
        Get-ChildItem $out | Should -BeNullOrEmpty
    }
}
