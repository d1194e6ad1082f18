# Runs the Pester suite against the staged module and writes the counts for build.ps1 to add up.
# After the suite, one more container checks the suite left nothing behind: no BPF program or map, bpffs entry,
# network namespace, interface here or sshd of its own (Compare-KernelSnapshot: other sessions' are not its).
param(
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SummaryPath,
    [string[]] $TestName
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -MinimumVersion 5.5
Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1')
$env:EBPFPS_MODULE = $ModulePath

$before = Get-KernelSnapshot

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
if ($TestName) { $config.Filter.FullName = $TestName | ForEach-Object { "*$_*" } }
$result = Invoke-Pester -Configuration $config

$leftovers = New-PesterContainer -Data @{ Before = $before } -ScriptBlock {
    param($Before)
    Describe 'The suite leaves nothing behind' {
        BeforeAll {
            Import-Module (Join-Path $env:EBPFPS_TESTS 'Pester/TestHelpers.psm1')
            # Only what this run made counts: other sessions on the machine make and remove their own meanwhile
            # (Compare-KernelSnapshot ties each new entry to its owner). The built-ins' by-name maps pinned at the
            # bpffs root are claimed by name, since such a pin outlives every fd of its owner and names nobody.
            $rootNames = 'rout_stats', 'rout_stats_map', 'if_rules_map', 'if_vlans_map' | ForEach-Object { "/sys/fs/bpf/$_" }
            $script:left = @(Compare-KernelSnapshot -Before $Before -Name $rootNames)
        }
        It 'no BPF program or map it loaded is still in the kernel' {
            @($left | Where-Object Kind -In Program, Map) | Should -BeNullOrEmpty
        }
        It 'no bpffs entry it made is still pinned (built-ins pin in private folders that go with their programs)' {
            @($left | Where-Object Kind -EQ Pin) | Should -BeNullOrEmpty
        }
        It 'no network namespace it made is still there' {
            @($left | Where-Object Kind -EQ Namespace) | Should -BeNullOrEmpty
        }
        It 'no interface it made is left in this namespace, and no sshd it started still runs' {
            @($left | Where-Object Kind -In Interface, Sshd) | Should -BeNullOrEmpty
        }
    }
}
$env:EBPFPS_TESTS = $PSScriptRoot
$final = New-PesterConfiguration
$final.Run.Container = $leftovers
$final.Run.PassThru = $true
$final.Output.Verbosity = 'Detailed'
$check = Invoke-Pester -Configuration $final

[pscustomobject]@{
    Passed  = $result.PassedCount + $check.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount + $check.FailedCount + $check.FailedBlocksCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $SummaryPath
