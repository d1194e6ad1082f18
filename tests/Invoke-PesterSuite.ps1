# Runs the Pester suite against the staged module and writes the counts for build.ps1 to add up.
# After the suite, one more container checks the suite left nothing behind: no new BPF programs,
# no new bpffs entries (at the root or below), no new network namespaces, no new interface here, no sshd still running.
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
        BeforeAll { Import-Module (Join-Path $env:EBPFPS_TESTS 'Pester/TestHelpers.psm1') }
        It 'no BPF program it loaded is still in the kernel' {
            $new = @((Get-KernelSnapshot).ProgramIds | Where-Object { $_ -notin $Before.ProgramIds })
            if ($new) { Wait-ProgramGone $new | Out-Null }
            @((Get-KernelSnapshot).ProgramIds | Where-Object { $_ -notin $Before.ProgramIds }) | Should -BeNullOrEmpty
        }
        It 'no new entry at the bpffs root (built-ins pin in private folders that go with their programs)' {
            # The rule is "no new root entry at all", not "none of ours": the suite runs under the machine-wide
            # lock (/tmp/ebpfps-kernel.lock), which every helper's kernel work takes, so nothing else pins at the
            # root meanwhile, and a name we cannot tell apart (rout_stats) must not pass as someone else's.
            @((Get-KernelSnapshot).RootPins | Where-Object { $_ -notin $Before.RootPins }) | Should -BeNullOrEmpty
        }
        It 'no bpffs entry it made is still pinned' {
            @((Get-KernelSnapshot).Pins | Where-Object { $_ -notin $Before.Pins }) | Should -BeNullOrEmpty
        }
        It 'no network namespace it made is still there' {
            @((Get-KernelSnapshot).Namespaces | Where-Object { $_ -notin $Before.Namespaces }) | Should -BeNullOrEmpty
        }
        It 'no interface it made is left in this namespace, and no sshd it started still runs' {
            $now = Get-KernelSnapshot
            @($now.Interfaces | Where-Object { $_ -notin $Before.Interfaces }) | Should -BeNullOrEmpty
            @($now.Sshd | Where-Object { $_ -notin $Before.Sshd }) | Should -BeNullOrEmpty
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
