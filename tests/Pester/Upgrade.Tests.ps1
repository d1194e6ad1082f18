# Upgrades in place keep state (issue 18, item 8): Add-XdpProgram -Force with a new build of guard.o and the -PinPath
# of the running one takes over its maps (entries and counters go on) and swaps the program atomically; a built-in
# over a running built-in carries its private maps into its own folder; a layout change is refused, changing nothing.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:build1 = Build-TestBpfObject guard
    $script:build2 = Build-TestBpfObject guard -Define 'GUARD_BUILD=2'
    $script:wide = Build-TestBpfObject guard -Define 'GUARD_WIDE_STATS'
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:a = $net['A']
    $script:b = $net['B']
    $script:listed = '198.18.0.77'

    function Test-Ping {
        & ip netns exec $a.NetNamespace ping -c 1 -W 1 $b.Address *> $null
        $LASTEXITCODE -eq 0
    }
    function Get-GuardProgramIds {
        @((Invoke-Json bpftool -j prog show) | Where-Object name -In 'guard_xdp', 'guard_tc' | ForEach-Object id | Sort-Object)
    }
    function Get-PinIds([string] $Pin) {
        $ids = [ordered]@{}
        foreach ($f in Get-ChildItem -LiteralPath $Pin | Sort-Object Name) {
            $kind = if ($f.Name -like 'guard_*') { 'prog' } else { 'map' }
            $ids[$f.Name] = (Invoke-Json bpftool -j $kind show pinned $f.FullName).id
        }
        $ids
    }
    function Start-Guard([string] $Pin) {
        $old = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $build1 -PinPath $Pin -PassThru
        Set-BpfMapEntry -LiteralPath "$Pin/blocked" -Key $listed -Value 1
        Test-Ping | Should -BeTrue
        Test-Ping | Should -BeTrue
        $old
    }
}

AfterAll {
    if ($net) {
        Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
        Remove-BpfTestNetwork $net.Name -Confirm:$false
    }
    Remove-ScratchState
}

Describe 'Add-XdpProgram -Force: a new build over the running one keeps its maps' {
    AfterEach { Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false }

    It 'replaces build 1 with build 2 in place: one program, the new tag, the same maps, counters going on' {
        $pin = New-ScratchPinPath
        try {
            $old = Start-Guard $pin
            $oldTag = (Invoke-Json bpftool -j prog show id $old.ProgramId).tag
            $oldMaps = @((Invoke-Json bpftool -j prog show id $old.ProgramId).map_ids | Sort-Object)
            $counted = (Get-BpfMapEntry -LiteralPath "$pin/src_stats" -Key $a.Address).Value.packets
            $counted | Should -BeGreaterOrEqual 2

            $new = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $build2 -PinPath $pin -Force -PassThru
            $new.ReplacedProgramId | Should -Be $old.ProgramId
            (Get-IpXdp $b.NetNamespace $b.Interface).ProgramId | Should -Be $new.ProgramId
            $shown = Invoke-Json bpftool -j prog show id $new.ProgramId
            $shown.tag | Should -Not -Be $oldTag -Because 'it is another build'
            @($shown.map_ids | Sort-Object) | Should -Be $oldMaps
            (Invoke-Json bpftool -j prog show pinned "$pin/guard_xdp").id | Should -Be $new.ProgramId
            Wait-ProgramGone $old.ProgramId
            & bpftool prog show id $old.ProgramId *> $null
            $LASTEXITCODE | Should -Not -Be 0 -Because 'no pin or attachment holds the old build'

            (Get-BpfMapEntry -LiteralPath "$pin/blocked" -Key $listed).Value | Should -Be 1
            (Get-BpfMapEntry -LiteralPath "$pin/src_stats" -Key $a.Address).Value.packets | Should -Be $counted
            Test-Ping | Should -BeTrue
            (Get-BpfMapEntry -LiteralPath "$pin/src_stats" -Key $a.Address).Value.packets | Should -Be ($counted + 1)
            Set-BpfMapEntry -LiteralPath "$pin/blocked" -Key $a.Address -Value 1
            Test-Ping | Should -BeFalse -Because 'the new build drops by the blocklist it took over'
        }
        finally {
            Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
            Remove-Item -LiteralPath $pin -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'refuses a build whose src_stats value has another layout, naming the field, and changes nothing' {
        $pin = New-ScratchPinPath
        try {
            $old = Start-Guard $pin
            $pins = Get-PinIds $pin
            $programs = Get-GuardProgramIds
            $counted = (Get-BpfMapEntry -LiteralPath "$pin/src_stats" -Key $a.Address).Value.packets

            $e = Get-Error { Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $wide -PinPath $pin -Force -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -BeLike 'MapLayoutMismatch,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
            $e.TargetObject | Should -Be 'src_stats'
            $e.Exception.Message | Should -BeLike "*src_stats value: field 'dropped' (offset 16, 8 bytes) is new*"

            (Get-IpXdp $b.NetNamespace $b.Interface).ProgramId | Should -Be $old.ProgramId
            Get-GuardProgramIds | Should -Be $programs -Because 'nothing new was loaded'
            $after = Get-PinIds $pin
            $after.Keys | Should -Be $pins.Keys
            $after.Values | Should -Be $pins.Values
            (Get-BpfMapEntry -LiteralPath "$pin/src_stats" -Key $a.Address).Value.packets | Should -Be $counted
            (Get-BpfMapEntry -LiteralPath "$pin/blocked" -Key $listed).Value | Should -Be 1
        }
        finally {
            Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
            Remove-Item -LiteralPath $pin -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'Import-BpfObject into a folder whose maps have another layout: MapLayoutMismatch too' {
        $pin = New-ScratchPinPath
        $first = Import-BpfObject -LiteralPath $build1 -PinPath $pin
        try {
            Remove-Item "$pin/guard_xdp", "$pin/guard_tc"
            $e = Get-Error { Import-BpfObject -LiteralPath $wide -PinPath $pin -ErrorAction Stop }
            $e.FullyQualifiedErrorId | Should -BeLike 'MapLayoutMismatch,*'
            $same = Import-BpfObject -LiteralPath $build2 -PinPath $pin
            try {
                ($same.Maps | Where-Object Name -EQ src_stats).Id | Should -Be ($first.Maps | Where-Object Name -EQ src_stats).Id
                ($same.Maps | Where-Object Name -EQ src_stats).PinnedPath | Should -Be "$pin/src_stats"
            }
            finally { $same | Remove-BpfObject -Confirm:$false }
            Test-Path "$pin/src_stats" | Should -BeTrue -Because 'the maps it took over are the first import''s to remove'
        }
        finally { $first | Remove-BpfObject -Confirm:$false }
    }

    It 'a built-in over a running built-in: its private maps carry over to the new program''s folder, the old folder goes' {
        $old = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program router -PassThru
        $oldMap = Invoke-Json bpftool -j map show pinned "$($old.PinPath)/rout_stats"
        Set-BpfMapEntry -LiteralPath "$($old.PinPath)/rout_stats" -Key @{ src = $listed; dst = $b.Address } -Value @{ packets = 7; bytes = 700 }
        $written = (Get-BpfMapEntry -LiteralPath "$($old.PinPath)/rout_stats" -Key @{ src = $listed; dst = $b.Address }).Value.packets
        $written | Should -BeGreaterOrEqual 7

        $new = Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program router -Force -PassThru
        $new.ReplacedProgramId | Should -Be $old.ProgramId
        $new.PinPath | Should -Be "/sys/fs/bpf/ebpfps/programs/$($new.ProgramId)"
        (Invoke-Json bpftool -j map show pinned "$($new.PinPath)/rout_stats").id | Should -Be $oldMap.id
        $kept = Get-BpfMapEntry -LiteralPath "$($new.PinPath)/rout_stats" -Key @{ src = $listed; dst = $b.Address }
        $kept.Value.packets | Should -Be $written
        Test-Path $old.PinPath | Should -BeFalse -Because 'the old program is gone, and its folder with it'
    }
}
