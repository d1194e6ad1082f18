# The work behind build.ps1's tasks. Dot-sourced by build.ps1, which sets $Root, $Out, $ModuleOut, $Configuration.
. (Join-Path $PSScriptRoot 'BootstrapServices.ps1')
. (Join-Path $PSScriptRoot 'Distribution.ps1')

$script:AptPackages = @(
    'clang', 'llvm', 'libbpf-dev', 'libbpf1', 'iproute2', 'ethtool', 'bpftool', 'libcap2-bin', 'gcc', 'make', 'tshark', 'iperf3', 'iputils-ping', 'time', 'xdp-tools',
    'openssh-server'
)

function Write-Step([string] $Message) { Write-Host "==> $Message" -ForegroundColor Cyan }

function Invoke-Native {
    # Runs a native command and stops the build when it fails, showing what ran. A simple function on
    # purpose: an advanced one would take a native "-v" or "-c" as its own -Verbose or -Confirm.
    $file, $rest = $args
    & $file @rest
    if ($LASTEXITCODE -ne 0) { throw "'$file $($rest -join ' ')' failed with exit code $LASTEXITCODE" }
}

function Test-AptPackageInstalled([string] $Name) {
    $status = & dpkg-query -W -f '${Status}' $Name 2>$null
    return $LASTEXITCODE -eq 0 -and $status -like '*install ok installed*'
}

function Invoke-Bootstrap {
    Write-Step 'Bootstrap: system packages'
    $missing = @($script:AptPackages | Where-Object { -not (Test-AptPackageInstalled $_) })
    if ($missing.Count -gt 0) {
        $sudo = if ((& id -u) -ne '0') { 'sudo' } else { $null }
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Write-Host "Installing: $($missing -join ' ')"
        if ($sudo) { Invoke-Native sudo apt-get update -qq } else { Invoke-Native apt-get update -qq }
        $install = @('apt-get', 'install', '-y', '-qq', '--no-install-recommends') + $missing
        # No package may start a service (sshd above all): fleet test networks run their own sshd per namespace.
        Invoke-WithoutServiceStarts {
            if ($sudo) { Invoke-Native sudo @install } else { Invoke-Native @install }
        }
    }
    else { Write-Host 'All system packages present.' }

    # bpffs is where pins live; containers and minimal VMs sometimes boot without it.
    if (-not ((& stat -f -c %T /sys/fs/bpf 2>$null) -eq 'bpf_fs')) {
        Write-Host 'Mounting bpffs on /sys/fs/bpf'
        Invoke-Native mount -t bpf bpf /sys/fs/bpf
    }

    Write-Step 'Bootstrap: Pester from NuGet'
    Invoke-Native dotnet restore (Join-Path $Root 'tools/deps.proj') --verbosity quiet
}

function Get-PesterModulePath {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    $version = ([xml](Get-Content (Join-Path $Root 'tools/deps.proj'))).Project.ItemGroup.PackageDownload |
        Where-Object Include -EQ 'Pester' | ForEach-Object { $_.Version.Trim('[', ']') }
    return Join-Path $packages "pester/$version/tools/Pester.psd1"
}

function Invoke-Build {
    Write-Step "Build: C# ($Configuration)"
    Invoke-Native dotnet build (Join-Path $Root 'src/EbpfPs/EbpfPs.csproj') -c $Configuration --nologo -v quiet
    $bin = Join-Path $Root "src/EbpfPs/bin/$Configuration/net8.0"

    Remove-Item -Recurse -Force $ModuleOut -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force -Path $ModuleOut, (Join-Path $ModuleOut 'bpf'), (Join-Path $ModuleOut 'formats')
    Copy-Item (Join-Path $bin 'EbpfPs.dll'), (Join-Path $bin 'EbpfPs.pdb') $ModuleOut
    Copy-Item (Join-Path $Root 'EbpfPs.psd1'), (Join-Path $Root 'LICENSE') $ModuleOut
    Copy-Item (Join-Path $Root 'formats/*.ps1xml') (Join-Path $ModuleOut 'formats')

    Write-Step 'Build: BPF objects'
    Build-BpfObjects -Destination (Join-Path $ModuleOut 'bpf')

    Write-Step 'Build: help'
    & (Join-Path $Root 'tools/New-MamlHelp.ps1') -ModulePath (Join-Path $ModuleOut 'EbpfPs.psd1') -HelpSource (Join-Path $Root 'docs/help') -Destination (Join-Path $ModuleOut 'en-US/EbpfPs.dll-Help.xml')
    # about_ topics ship as they are written: Get-Help about_EbpfPs finds them in en-US beside the MAML.
    Copy-Item (Join-Path $Root 'docs/help/about_*.help.txt') (Join-Path $ModuleOut 'en-US')
    Write-Host "Module staged in $ModuleOut"
}

function Get-UserModuleRoot {
    # The current user's module folder: the first PSModulePath entry under $HOME (for root, like anyone,
    # ~/.local/share/powershell/Modules), or PowerShell's default user folder when none is listed.
    $userEntry = @($env:PSModulePath -split [IO.Path]::PathSeparator | Where-Object {
            $_ -and $_.StartsWith($HOME + [IO.Path]::DirectorySeparatorChar, [StringComparison]::Ordinal) }) |
        Select-Object -First 1
    if ($userEntry) { return $userEntry }
    return Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'powershell/Modules'
}

function Invoke-Install {
    # Copies the staged module to <user modules>/EbpfPs/<ModuleVersion>, replacing an older copy of that version.
    $version = (Import-PowerShellDataFile (Join-Path $ModuleOut 'EbpfPs.psd1')).ModuleVersion
    $destination = Join-Path (Get-UserModuleRoot) "EbpfPs/$version"
    Write-Step "Install: EbpfPs $version"
    Remove-Item -Recurse -Force -LiteralPath $destination -ErrorAction SilentlyContinue
    $null = New-Item -ItemType Directory -Force -Path $destination
    Copy-Item -Recurse -Path (Join-Path $ModuleOut '*') -Destination $destination
    Write-Host "Installed in $destination; 'Import-Module EbpfPs' now finds it by name."
    Install-Pester
    $launcher = New-PwshLauncher
    Write-Host "PowerShell $($PSVersionTable.PSVersion) starts from any folder with $launcher (e.g. $launcher -c 'Import-Module EbpfPs')."
}

function Install-Pester {
    # The Pester that Bootstrap restored into the NuGet cache, beside EbpfPs, so a user's own tests run with
    # `Invoke-Pester` by name; a copy of that version already there is left as it is.
    $source = Get-PesterModulePath
    if (-not (Test-Path $source)) {
        Write-Host "Pester is not restored yet (build.ps1 Bootstrap restores it); Install-Module Pester also works."
        return
    }
    $version = Split-Path (Split-Path (Split-Path $source)) -Leaf
    $destination = Join-Path (Get-UserModuleRoot) "Pester/$version"
    if (-not (Test-Path (Join-Path $destination 'Pester.psd1'))) {
        $null = New-Item -ItemType Directory -Force -Path $destination
        Copy-Item -Recurse -Path (Join-Path (Split-Path $source) '*') -Destination $destination
    }
    Write-Host "Pester $version is in $destination; 'Invoke-Pester' runs your own tests."
}

function Build-BpfObjects([string] $Destination) {
    # Every bpf/*.c is built once per hook; bpf/xdp_only/*.c only for XDP (see bpf/README.md).
    $include = Join-Path $Root 'bpf/include'
    $arch = (& uname -m) -replace '^aarch64$', 'aarch64' -replace '^x86_64$', 'x86_64'
    $common = @('-O2', '-g', '-Wall', '-Werror', '-I', $include, '-I', "/usr/include/$arch-linux-gnu")
    $jobs = @(foreach ($src in Get-ChildItem (Join-Path $Root 'bpf') -Filter *.c -File) {
        foreach ($hook in 'XDP', 'TC') {
            @{ Source = $src.FullName; Define = "-D__EBPFPS_$hook"; Out = Join-Path $Destination "$($hook.ToLowerInvariant())_$($src.BaseName).o" }
        }
    })
    $jobs += foreach ($src in Get-ChildItem (Join-Path $Root 'bpf/xdp_only') -Filter *.c -File -ErrorAction SilentlyContinue) {
        @{ Source = $src.FullName; Define = '-D__EBPFPS_XDP'; Out = Join-Path $Destination "xdp_$($src.BaseName).o" }
    }
    # Big-endian twins for big-endian routers (the seed's OpenWrt targets) go to bpf/eb, a folder the
    # built-in lookup does not search: this host cannot load them, so they must never be offered here.
    $bigEndian = Join-Path $Destination 'eb'
    $null = New-Item -ItemType Directory -Force -Path $bigEndian
    foreach ($job in $jobs) {
        Invoke-Native clang @common -target bpf $job.Define -c $job.Source -o $job.Out
        $twin = Join-Path $bigEndian (Split-Path -Leaf $job.Out)
        Invoke-Native clang @common -target bpfeb $job.Define -c $job.Source -o $twin
    }
    Write-Host "$($jobs.Count) BPF objects built, and as many big-endian ones in $bigEndian."
}

function Invoke-Pwsh {
    # A child pwsh, so the module loads fresh and the build's own session never locks the dll.
    param([Parameter(Mandatory)][string] $Command)
    # Under the .NET tool this process is `dotnet`; the tool folder's pwsh.dll is the same PowerShell.
    & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $Command | Out-Host
    return $LASTEXITCODE
}

function Invoke-Test {
    $results = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }

    Write-Step 'Test: xunit (engine)'
    $trx = Join-Path $Out 'xunit.trx'
    & dotnet test (Join-Path $Root 'tests/EbpfPs.Tests/EbpfPs.Tests.csproj') -c $Configuration --nologo -v quiet --logger "trx;LogFileName=$trx"
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
        $results.Passed += [int]$counters.passed
        $results.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
        $results.Skipped += [int]$counters.notExecuted
        Remove-Item $trx
    }
    else { $results.Failed++ ; Write-Warning 'xunit produced no results' }

    Write-Step 'Test: Pester (end to end, real kernel)'
    $summary = Join-Path $Out 'pester-summary.json'
    Remove-Item $summary -ErrorAction SilentlyContinue
    $filter = if ($TestName) { "-TestName '$($TestName -join "','")'" } else { '' }
    $null = Invoke-Pwsh "& '$Root/tests/Invoke-PesterSuite.ps1' -PesterPath '$(Get-PesterModulePath)' -ModulePath '$ModuleOut/EbpfPs.psd1' -SummaryPath '$summary' $filter"
    if (Test-Path $summary) {
        $p = Get-Content $summary | ConvertFrom-Json
        $results.Passed += $p.Passed; $results.Failed += $p.Failed; $results.Skipped += $p.Skipped
    }
    else { $results.Failed++ ; Write-Warning 'Pester produced no summary' }

    Write-Host ''
    Write-Host "$($results.Passed) passed, $($results.Failed) failed, $($results.Skipped) skipped"
    if ($results.Failed -gt 0 -or $results.Passed -eq 0) { exit 1 }
}

function Invoke-Demo {
    Write-Step 'Demo'
    $code = Invoke-Pwsh "& '$Root/tools/Demo.ps1' -ModulePath '$ModuleOut/EbpfPs.psd1' -OutputDirectory '$Out/demo'"
    if ($code -ne 0) { exit $code }
}

function Invoke-Bench {
    Write-Step 'Bench'
    $code = Invoke-Pwsh "& '$Root/bench/Invoke-Bench.ps1' -ModulePath '$ModuleOut/EbpfPs.psd1' -WorkDirectory '$Out/bench'"
    if ($code -ne 0) { exit $code }
}
