# Two Set-BpfState at once: one state lock per network namespace, so the second plans only once the first is done,
# and every hook ends with the program once; a program that runs twice on a hook is drift that Set repairs.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:ns = New-ScratchNamespace -Prefix 'ebpfps-h1'
    $script:xdpSide = @(0..9 | ForEach-Object { "h1a$_" })
    $script:tcSide = @(0..9 | ForEach-Object { "h1b$_" })
    foreach ($i in 0..9) {
        & ip -n $ns link add "h1a$i" type veth peer name "h1b$i"
        if ($LASTEXITCODE -ne 0) { throw "ip link add h1a$i failed" }
        & ip -n $ns link set "h1a$i" up
        & ip -n $ns link set "h1b$i" up
    }
    # 20 attachments: XDP on one end of each pair, a TC filter on the other.
    $script:statePath = New-StateFile -Replace @{ '{NS}' = $ns; '{A}' = "'$($xdpSide -join "','")'"; '{B}' = "'$($tcSide -join "','")'" } @'
@{
    Programs = @(
        @{ Name = 'edge-xdp'; Object = 'pass'; Hook = 'XdpGeneric'; Interfaces = {A}; NetNamespace = '{NS}' }
        @{ Name = 'edge-tc'; Object = 'pass'; Hook = 'TcIngress'; Interfaces = {B}; NetNamespace = '{NS}' }
    )
}
'@
    $script:tcBatch = Join-Path $TestDrive 'filters.tc'
    Set-Content -LiteralPath $tcBatch ($tcSide | ForEach-Object { "filter show dev $_ ingress" })
    $script:lockFolder = '/run/ebpfps/state-locks'
    $script:holders = [System.Collections.Generic.List[System.Diagnostics.Process]]::new()
    $script:lockFiles = [System.Collections.Generic.List[string]]::new()

    function Get-Hooks {
        # What ip and tc say each hook runs: XDP program ids (generic) on the a ends, filters on the b ends' ingress.
        $links = @(Invoke-Json ip -n $ns -j -d link show)
        $xdp = foreach ($name in $xdpSide) {
            $link = $links | Where-Object ifname -EQ $name
            if ($link.PSObject.Properties['xdp'] -and $link.xdp.mode -eq 2) { [uint32]$link.xdp.prog.id } else { 0 }
        }
        # One tc for all b ends (-batch, a JSON array per line), so a round costs two processes on a busy machine.
        $lines = @(& tc -n $ns -j -batch $tcBatch | Where-Object { $_ -match '^\[' })
        if ($lines.Count -ne $tcSide.Count) { throw "tc -batch gave $($lines.Count) answers for $($tcSide.Count) devices" }
        $tc = foreach ($line in $lines) { , @(($line | ConvertFrom-Json) | Where-Object { $_.PSObject.Properties['options'] }) }
        [pscustomobject]@{ Xdp = @($xdp); Tc = @($tc) }
    }

    function Test-OncePerHook($Hooks) {
        # Exactly one program on every hook the state names: an XDP program on each a end, one filter on each b end.
        @($Hooks.Xdp | Where-Object { $_ -eq 0 }).Count -eq 0 -and @($Hooks.Tc | Where-Object { $_.Count -ne 1 }).Count -eq 0
    }

    function Remove-Attachments {
        Remove-XdpProgram -Interface 'h1a*' -NetNamespace $ns -Confirm:$false -ErrorAction SilentlyContinue
        Get-TcProgram -NetNamespace $ns | Remove-TcProgram -Confirm:$false
    }

    function Get-NamespaceCookie {
        # SO_NETNS_COOKIE (71) of a socket made in the namespace: what names its lock file, asked of python.
        $code = 'import socket; s = socket.socket(); print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))'
        (& ip netns exec $ns python3 -c $code).Trim()
    }
}

AfterAll {
    foreach ($p in $holders) { if (-not $p.HasExited) { $p.Kill($true); $p.WaitForExit() } }
    # flock(1) leaves its file behind when no Set took the lock over (a failed test).
    foreach ($file in $lockFiles) { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
    Remove-Attachments
    Remove-ScratchState
}

Describe 'Set-BpfState run twice at once' {
    It 'ends with exactly one program per hook in each of 10 rounds of two runs started together' {
        $rounds = 10
        $sync = Join-Path $TestDrive 'sync'
        New-Item -ItemType Directory $sync | Out-Null
        # Each child imports the module and warms up once, then starts a Set on each round's go file, so both
        # runs start within milliseconds of each other.
        $child = Join-Path $TestDrive 'child.ps1'
        Set-Content -LiteralPath $child @'
param([string] $Id, [string] $Sync, [string] $State, [int] $Rounds)
$ErrorActionPreference = 'Stop'
$null = Test-BpfState -Path $State
[pscustomobject]@{ Warm = 1 } | ConvertTo-Json -Compress | Set-Content -LiteralPath (Join-Path $Sync "warm-$Id")
New-Item -ItemType File (Join-Path $Sync "ready-$Id") | Out-Null
foreach ($round in 1..$Rounds) {
    while (-not (Test-Path -LiteralPath (Join-Path $Sync "go-$round"))) { Start-Sleep -Milliseconds 5 }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $result = try {
        $all = @(Set-BpfState -Path $State -Verbose 4>&1)
        [pscustomobject]@{
            Applied = @($all | Where-Object { $_ -is [EbpfPs.BpfStateDifference] -and $_.Applied }).Count
            Waited  = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and
                    $_.Message -like 'Waiting for the state lock of *' }).Count -gt 0
            Error   = ''
            Ms      = $clock.ElapsedMilliseconds
        }
    } catch { [pscustomobject]@{ Applied = -1; Waited = $false; Error = "$_" } }
    # Written aside and renamed, so the parent never reads a half-written result.
    $done = Join-Path $Sync "done-$round-$Id"
    $result | ConvertTo-Json -Compress | Set-Content -LiteralPath "$done.tmp"
    Move-Item -LiteralPath "$done.tmp" $done
}
'@
        $children = foreach ($id in 'A', 'B') {
            Start-ChildPwsh "& '$child' -Id $id -Sync '$sync' -State '$statePath' -Rounds $rounds"
        }
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not ((Test-Path "$sync/ready-A") -and (Test-Path "$sync/ready-B"))) {
                if ([DateTime]::UtcNow -gt $deadline) { throw "the children did not start: $(Wait-ChildPwsh $children[0] 1)" }
                Start-Sleep -Milliseconds 20
            }
            $outcomes = foreach ($round in 1..$rounds) {
                $roundClock = [Diagnostics.Stopwatch]::StartNew()
                if ($round -gt 1) { Remove-Attachments }
                $before = Get-Hooks
                New-Item -ItemType File "$sync/go-$round" | Out-Null
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not ((Test-Path "$sync/done-$round-A") -and (Test-Path "$sync/done-$round-B"))) {
                    if ([DateTime]::UtcNow -gt $deadline) { throw "round $round did not finish" }
                    Start-Sleep -Milliseconds 5
                }
                $runs = @('A', 'B' | ForEach-Object { Get-Content -Raw "$sync/done-$round-$_" | ConvertFrom-Json })
                if ($runs.Count -ne 2) { throw "round $($round) gave $($runs.Count) results" }
                $hooks = Get-Hooks
                [pscustomobject]@{
                    Round    = $round
                    Empty    = @($before.Xdp | Where-Object { $_ -ne 0 }).Count + @($before.Tc | Where-Object { $_.Count }).Count
                    Once     = Test-OncePerHook $hooks
                    Filters  = @($hooks.Tc | ForEach-Object { $_.Count }) -join ','
                    # The first run applies the 20 attachments; the second plans after it and finds nothing to do.
                    Applied  = @($runs.Applied | Sort-Object) -join ','
                    Waited   = @($runs | Where-Object Waited).Count
                    Errors   = @($runs.Error | Where-Object { $_ }) -join '; '
                    Ms       = @($runs.Ms) -join ','
                    RoundMs  = $roundClock.ElapsedMilliseconds
                }
            }
        }
        finally {
            foreach ($c in $children) { $null = Wait-ChildPwsh $c 30000 }
        }
        $outcomes | Format-Table -AutoSize | Out-String | Write-Host
        @($outcomes | Where-Object Empty -NE 0) | Should -BeNullOrEmpty -Because 'each round starts with bare hooks'
        @($outcomes | Where-Object Errors) | Should -BeNullOrEmpty
        @($outcomes | Where-Object { -not $_.Once }) | Should -BeNullOrEmpty -Because 'every hook runs the program once'
        @($outcomes | Where-Object Applied -NE '0,20') | Should -BeNullOrEmpty
        # The runs really overlapped: the second found the first holding the lock and waited for it.
        @($outcomes | Where-Object Waited -EQ 1).Count | Should -BeGreaterOrEqual ($rounds / 2)
        @($outcomes | Where-Object Waited -GT 1) | Should -BeNullOrEmpty
        @(Get-ChildItem $lockFolder -ErrorAction SilentlyContinue | Where-Object Name -Like "$(Get-NamespaceCookie).lock") |
            Should -BeNullOrEmpty -Because 'the holder removes its lock file when it is done'
    }

    It 'reports a second filter of the program added by hand as drift, and repairs it keeping the one that runs first' {
        Set-BpfState -Path $statePath | Out-Null
        $filter = @(Get-TcFilters $ns h1b0 ingress)
        $filter.Count | Should -Be 1
        $pins = New-ScratchPinPath -Prefix 'ebpfps-h1'
        New-Item -ItemType Directory $pins | Out-Null
        & bpftool prog pin id $filter[0].ProgramId "$pins/pass"
        # nsenter switches only the network namespace, so tc still sees this bpffs (ip netns exec remounts /sys).
        & nsenter "--net=/run/netns/$ns" tc filter add dev h1b0 ingress pref 1 bpf da object-pinned "$pins/pass"
        $LASTEXITCODE | Should -Be 0
        $twice = @(Get-TcFilters $ns h1b0 ingress)
        @($twice.ProgramId | Sort-Object -Unique) | Should -Be $filter[0].ProgramId
        $twice.Count | Should -Be 2

        $drift = @(Test-BpfState -Path $statePath)
        $drift.Count | Should -Be 1
        $drift[0].Action | Should -Be 'RemoveDuplicate'
        $drift[0].Target | Should -Be 'h1b0'
        $drift[0].Expected | Should -Match "priority 1 handle"
        $drift[0].Actual | Should -Match "^2 instances: id $($filter[0].ProgramId) priority 1 handle \d+; id $($filter[0].ProgramId) priority $($filter[0].Priority) "

        $applied = @(Set-BpfState -Path $statePath)
        $applied.Count | Should -Be 1
        $applied[0].Applied | Should -BeTrue
        $left = @(Get-TcFilters $ns h1b0 ingress)
        $left.Count | Should -Be 1
        $left[0].Priority | Should -Be 1 -Because 'the filter that runs first stays'
        $left[0].ProgramId | Should -Be $filter[0].ProgramId
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        Test-OncePerHook (Get-Hooks) | Should -BeTrue
    }

    It 'stops with StateLocked after -Timeout while another process holds the lock, changing nothing' {
        Set-BpfState -Path $statePath | Out-Null
        Remove-XdpProgram -Interface h1a0 -NetNamespace $ns -Confirm:$false
        New-Item -ItemType Directory -Force $lockFolder | Out-Null
        $lock = Join-Path $lockFolder "$(Get-NamespaceCookie).lock"
        $lockFiles.Add($lock)
        $holder = Start-Process flock -ArgumentList '-x', $lock, 'sleep', '120' -PassThru
        $holders.Add($holder)
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            & flock -n $lock true
            $held = $LASTEXITCODE -ne 0
            if (-not $held) { Start-Sleep -Milliseconds 20 }
        } until ($held -or [DateTime]::UtcNow -gt $deadline)
        $held | Should -BeTrue

        $e = Get-Error { Set-BpfState -Path $statePath -Timeout 1s }
        $e.FullyQualifiedErrorId | Should -Be 'StateLocked,EbpfPs.Commands.SetBpfStateCommand'
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'
        "$e" | Should -Match "process $($holder.Id): \S*flock -x $([regex]::Escape($lock)) sleep 120"
        "$e" | Should -Match "network namespace '$ns'"
        (Get-IpXdp $ns h1a0).ProgramId | Should -Be 0 -Because 'nothing was changed'

        # flock(1) runs sleep with the locked file open: the lock goes with the whole tree.
        $holder.Kill($true)
        $holder.WaitForExit()
        $applied = @(Set-BpfState -Path $statePath -Timeout 10s)
        $applied.Count | Should -Be 1
        $applied[0].Target | Should -Be 'h1a0'
        Test-Path -LiteralPath $lock | Should -BeFalse -Because 'the run that took the lock over removes its file'
    }
}
