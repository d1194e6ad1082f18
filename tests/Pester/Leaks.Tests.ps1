# Nothing accumulates over many runs: 500 rounds of load, read, write, test run, TC attach and detach and a few
# refusals (XDP attach and detach every tenth round: each costs the kernel an RCU grace period, 30 ms here) leave
# the process's file descriptors and the kernel's programs where they started.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:tiny = Build-TestBpfObject tiny_xdp
    $script:tc = Import-BpfObject -Program pass -Hook Tc
    $script:ns = New-ScratchNamespace
    & ip -n $ns link add la type veth peer name lb
    & ip -n $ns link set dev la up
    $script:packet = New-BpfTestPacket
    $script:notElf = $PSCommandPath

    function Invoke-Round([int] $Round) {
        $o = Import-BpfObject -LiteralPath $tiny
        try {
            $map = $o.Maps | Where-Object Name -EQ tiny_hits
            Set-BpfMapEntry -InputObject $map -Key 1 -Value 7
            $null = Get-BpfMapEntry -InputObject $map
            $null = Invoke-BpfProgramTest -Program $o -Packet $packet
            if ($Round % 10 -eq 0) {
                Add-XdpProgram la -NetNamespace $ns -Program $o -Mode Generic
                Remove-XdpProgram la -NetNamespace $ns -Confirm:$false
            }
        }
        finally { $o | Remove-BpfObject -Confirm:$false }
        Add-TcProgram la -NetNamespace $ns -Program $tc -PassThru | Remove-TcProgram -Confirm:$false
        # Refusals take their own paths through the code: they must close what they opened too.
        Get-BpfMap -LiteralPath /etc/passwd -ErrorAction SilentlyContinue
        Import-BpfObject -LiteralPath $notElf -ErrorAction SilentlyContinue
        Get-XdpProgram -NetNamespace ebpfps-no-such-ns -ErrorAction SilentlyContinue
    }

    function Get-OpenFds { [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect(); @(Get-ChildItem "/proc/$PID/fd").Count }
}

AfterAll {
    if ($tc) { $tc | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Five hundred rounds' {
    It 'leave file descriptors and programs as they were' {
        1..20 | ForEach-Object { Invoke-Round $_ }   # warm-up: JIT, caches, the thread pool
        $before = Get-KernelSnapshot
        $fds = Get-OpenFds
        $memory = [GC]::GetTotalMemory($true)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        1..500 | ForEach-Object { Invoke-Round $_ }
        $clock.Stop()
        $fdsAfter = Get-OpenFds
        Write-Host ("    500 rounds in {0:N1} s; fds {1} -> {2}; managed heap {3:N1} -> {4:N1} MB" -f $clock.Elapsed.TotalSeconds,
            $fds, $fdsAfter, ($memory / 1MB), ([GC]::GetTotalMemory($true) / 1MB))
        $fdsAfter | Should -BeLessOrEqual ($fds + 2) -Because 'an fd per round would be 500 more'
        # Programs, maps and pins of this process's (tiny_pass copies other sessions load meanwhile are theirs).
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        (Get-IpXdp $ns la).Mode | Should -BeNullOrEmpty
        Get-TcFilters $ns la | Should -BeNullOrEmpty
        Test-Clsact $ns la | Should -BeFalse
    }
}
