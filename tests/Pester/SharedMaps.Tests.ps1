# One object at both hooks has one set of maps (issue 18, item 2): guard.o's guard_xdp and guard_tc, attached by two
# commands (with one -PinPath, or without any in one session) or from one Import-BpfObject, count into one src_stats
# and block by one blocklist, as bpftool's map ids, test runs and real packets between two namespaces show.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:guard = Build-TestBpfObject guard
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:a = $net['A']
    $script:b = $net['B']
    $script:blockedFrame = New-BpfTestPacket -Udp -Source $a.Address -Destination $b.Address -SourceMac $a.Mac -DestinationMac $b.Mac
    $script:otherFrame = New-BpfTestPacket -Udp -Source 198.18.0.77 -Destination $b.Address -SourceMac $a.Mac -DestinationMac $b.Mac

    function Get-MapIds([uint32] $ProgramId) { @((Invoke-Json bpftool -j prog show id $ProgramId).map_ids | Sort-Object) }

    function Test-Ping {
        # One echo from A to B: its request passes B's XDP and TC ingress hooks, the reply neither.
        & ip netns exec $a.NetNamespace ping -c 1 -W 1 $b.Address *> $null
        $LASTEXITCODE -eq 0
    }

    function Get-Packets($MapId) {
        $e = Get-BpfMapEntry -Id $MapId -Key $a.Address -ErrorAction SilentlyContinue
        if ($e) { [uint64]$e.Value.packets } else { [uint64]0 }
    }

    # The checks each way of attaching must pass: one set of maps, one write blocks at both hooks.
    function Assert-OneSetOfMaps([uint32] $XdpId, [uint32] $TcId) {
        $xdpMaps = Get-MapIds $XdpId
        $xdpMaps.Count | Should -Be 3
        Get-MapIds $TcId | Should -Be $xdpMaps -Because 'guard_xdp and guard_tc share src_stats, blocked and drops'
        $maps = @{}
        foreach ($id in $xdpMaps) { $m = Invoke-Json bpftool -j map show id $id; $maps[$m.name] = $id }
        Test-Ping | Should -BeTrue -Because 'nothing is blocked yet'
        $before = Get-Packets $maps.src_stats
        Test-Ping | Should -BeTrue
        (Get-Packets $maps.src_stats) - $before | Should -Be 2 -Because 'both hooks count the echo request in one map'

        Set-BpfMapEntry -Id $maps.blocked -Key $a.Address -Value 1
        (Invoke-BpfProgramTest -Program $XdpId -Packet $blockedFrame).Action | Should -Be 'Drop'
        (Invoke-BpfProgramTest -Program $TcId -Packet $blockedFrame).Action | Should -Be 'Drop'
        (Invoke-BpfProgramTest -Program $TcId -Packet $otherFrame).Action | Should -Be 'Pass'
        $before = Get-Packets $maps.src_stats
        Test-Ping | Should -BeFalse -Because 'the XDP program drops the blocked source'
        (Get-Packets $maps.src_stats) - $before | Should -Be 1 -Because 'XDP dropped it, so TC never saw it'
        Remove-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Confirm:$false
        Test-Ping | Should -BeFalse -Because 'the TC program drops it by the same blocklist entry'
        Remove-BpfMapEntry -Id $maps.blocked -Key $a.Address
        Test-Ping | Should -BeTrue
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'One object at both hooks: one set of maps' {
    AfterEach {
        Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
        Get-TcProgram -NetNamespace $b.NetNamespace | Remove-TcProgram -Confirm:$false
    }

    It 'Add-XdpProgram then Add-TcProgram of one file with one -PinPath' {
        $pin = New-ScratchPinPath
        try {
            $x = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $guard -PinPath $pin -PassThru
            $t = Add-TcProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $guard -PinPath $pin -PassThru
            (Invoke-Json bpftool -j map show pinned "$pin/blocked").id | Should -BeIn (Get-MapIds $t.ProgramId)
            (Invoke-Json bpftool -j prog show pinned "$pin/guard_xdp").id | Should -Be $x.ProgramId -Because 'the running program keeps its pin'
            (Invoke-Json bpftool -j prog show pinned "$pin/guard_tc").id | Should -Be $t.ProgramId -Because 'the pin moves to the program that runs'
            Assert-OneSetOfMaps $x.ProgramId $t.ProgramId
        }
        finally { Remove-Item -LiteralPath $pin -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'Add-XdpProgram then Add-TcProgram of one file without -PinPath, in one session' {
        $x = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $guard -PassThru
        $t = Add-TcProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $guard -PassThru
        Assert-OneSetOfMaps $x.ProgramId $t.ProgramId
    }

    It 'one Import-BpfObject piped to both' {
        $obj = Import-BpfObject -LiteralPath $guard
        try {
            $x = Add-XdpProgram -Program $obj -Interface $b.Interface -NetNamespace $b.NetNamespace -PassThru
            $t = Add-TcProgram -Program $obj -Interface $b.Interface -NetNamespace $b.NetNamespace -PassThru
            Assert-OneSetOfMaps $x.ProgramId $t.ProgramId
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'the same program twice is two loads, as before: each with its own maps' {
        $first = Add-TcProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $guard -PassThru
        $second = Add-TcProgram -Interface $a.Interface -NetNamespace $a.NetNamespace -Path $guard -PassThru
        try {
            $second.ProgramId | Should -Not -Be $first.ProgramId
            @(Get-MapIds $second.ProgramId | Where-Object { $_ -in (Get-MapIds $first.ProgramId) }) | Should -BeNullOrEmpty
        }
        finally { Get-TcProgram -NetNamespace $a.NetNamespace | Remove-TcProgram -Confirm:$false }
    }
}
