# From attachments and programs to their maps (issue 18, items 1 and 4): the guard object's two programs, on the XDP
# and TC hooks of one veth, share src_stats, blocked and drops; a second load of the same maps' names (build 2)
# makes every name ambiguous kernel-wide, so only the way through the program finds the right map. Cross-checked
# with bpftool (a program's map_ids, a map's sizes, a pin's map) and ip/tc (what is attached).
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:ns = New-ScratchNamespace 'ebpfps-pm'
    & ip -n $ns link add gv0 type veth peer name gv1
    & ip -n $ns link set gv0 up
    & ip -n $ns link set gv1 up
    $script:pin = New-ScratchPinPath 'ebpfps-pm'
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject guard) -PinPath $pin
    $script:other = Import-BpfObject -LiteralPath (Build-TestBpfObject guard -Define 'GUARD_BUILD=2')
    $script:xdpProgram = $obj.Programs | Where-Object Name -EQ guard_xdp
    $script:tcProgram = $obj.Programs | Where-Object Name -EQ guard_tc
    # Bound from the pipeline: the acceptance's own words. A prompt would fail here (Pester runs non-interactive).
    $script:xdp = $obj.Programs | Where-Object Name -EQ guard_xdp |
        Add-XdpProgram -Interface gv0 -NetNamespace $ns -Mode Generic -PassThru
    $script:tc = $obj.Programs | Where-Object Name -EQ guard_tc | Add-TcProgram -Interface gv0 -NetNamespace $ns -PassThru
    $script:mapIds = @{}
    foreach ($m in $obj.Maps) { $mapIds[$m.Name] = $m.Id }

    function Get-BpftoolMapIds([uint32] $ProgramId) {
        @((Invoke-Json bpftool -j prog show id $ProgramId).map_ids | Sort-Object)
    }
}

AfterAll {
    try {
        if ($tc) { Remove-TcProgram -Interface gv0 -NetNamespace $ns -Confirm:$false -ErrorAction SilentlyContinue }
        if ($xdp) { Remove-XdpProgram -Interface gv0 -NetNamespace $ns -Confirm:$false -ErrorAction SilentlyContinue }
    } finally {
        foreach ($o in $obj, $other) { if ($o) { $o | Remove-BpfObject -Confirm:$false } }
        Remove-ScratchState
    }
}

Describe 'ProgramMaps: from attachments and programs to their maps' {
    It 'binds programs of Import-BpfObject from the pipeline to Add-XdpProgram and Add-TcProgram' {
        $xdp.ProgramId | Should -Be $xdpProgram.Id
        $tc.ProgramId | Should -Be $tcProgram.Id
        (Get-IpXdp $ns gv0).ProgramId | Should -Be $xdpProgram.Id
        @(Get-TcFilters $ns gv0).ProgramId | Should -Be @($tcProgram.Id)
    }

    It 'leads the <Hook> attachment to its program''s maps: the ids bpftool lists for the program' -ForEach @(
        @{ Hook = 'XDP' }, @{ Hook = 'TC' }
    ) {
        $attachment = if ($Hook -eq 'XDP') { $xdp } else { $tc }
        $maps = @($attachment | Get-BpfMap)
        @($maps.Id | Sort-Object) | Should -Be (Get-BpftoolMapIds $attachment.ProgramId)
        @($maps.Name | Sort-Object) | Should -Be @('blocked', 'drops', 'src_stats')
        # Both hooks of one object: each name leads to the one map the two programs share.
        ($attachment | Get-BpfMap blocked).Id | Should -Be $mapIds.blocked
        (Get-BpfMap -ProgramId $attachment.ProgramId -Name src_stats).Id | Should -Be $mapIds.src_stats
    }

    It 'finds the map where -Name alone is ambiguous kernel-wide' {
        @(Get-BpfMap -Name blocked).Count | Should -BeGreaterOrEqual 2
        (Get-Error { Get-BpfMapEntry -Name blocked }).FullyQualifiedErrorId | Should -BeLike 'BpfMapNameAmbiguous,*'
        @($xdp | Get-BpfMapEntry -MapName blocked) | Should -BeNullOrEmpty
    }

    It 'leads a program from Get-BpfProgram, Get-XdpProgram, Get-TcProgram and Import-BpfObject to its maps' {
        $xdpIds = Get-BpftoolMapIds $xdpProgram.Id
        $tcIds = Get-BpftoolMapIds $tcProgram.Id
        @(Get-BpfProgram -Id $xdpProgram.Id | Get-BpfMap | ForEach-Object Id | Sort-Object) | Should -Be $xdpIds
        @(Get-XdpProgram -Interface gv0 -NetNamespace $ns | Get-BpfMap | ForEach-Object Id | Sort-Object) |
            Should -Be $xdpIds
        @(Get-TcProgram -Interface gv0 -NetNamespace $ns | Get-BpfMap | ForEach-Object Id | Sort-Object) |
            Should -Be $tcIds
        @($tcProgram | Get-BpfMap | ForEach-Object Id | Sort-Object) | Should -Be $tcIds
        # A program of the object lists the maps it uses on itself.
        @($xdpProgram.Maps.Id | Sort-Object) | Should -Be $xdpIds
        @($tcProgram.Maps.Name | Sort-Object) | Should -Be @('blocked', 'drops', 'src_stats')
        (Get-BpfProgram -Id $tcProgram.Id | Get-BpfMapEntry -MapName src_stats -ErrorAction Stop) | Out-Null
    }

    It 'reads and writes a map through either attachment, as bpftool sees it' {
        Set-BpfMapEntry -InputObject $tc -MapName blocked -Key 198.18.0.9 -Value 1
        $dump = @(Invoke-Json bpftool -j map dump id $mapIds.blocked)
        $dump.Count | Should -Be 1
        [byte[]]@($dump[0].key | ForEach-Object { [Convert]::ToByte($_, 16) }) |
            Should -Be ([ipaddress]'198.18.0.9').GetAddressBytes()
        @($xdp | Get-BpfMapEntry -MapName blocked).Count | Should -Be 1
        ($xdp | Get-BpfMapEntry -MapName blocked -Key 198.18.0.9).Value | Should -Be 1
        $xdp | Remove-BpfMapEntry -MapName blocked -Key 198.18.0.9
        @(Invoke-Json bpftool -j map dump id $mapIds.blocked) | Should -BeNullOrEmpty
        Set-BpfMapEntry -InputObject $xdp -MapName blocked -Key 198.18.0.10 -Value 1
        $tc | Clear-BpfMap -MapName blocked -Confirm:$false
        @(Invoke-Json bpftool -j map dump id $mapIds.blocked) | Should -BeNullOrEmpty
    }

    It 'runs programs from the pipeline in Invoke-BpfProgramTest, and their counters show through the attachment' {
        $source = '198.18.0.77'
        $packet = New-BpfTestPacket -Udp -Source $source -Destination 198.18.0.1
        $results = @($obj.Programs | Invoke-BpfProgramTest -Packet $packet)
        @($results.ProgramId) | Should -Be @($xdpProgram.Id, $tcProgram.Id)
        # One run at each hook, counted in the one src_stats both programs use.
        ($tc | Get-BpfMapEntry -MapName src_stats -Key $source).Value.packets | Should -Be 2
        $sample = @($xdp | Watch-BpfMap -MapName src_stats -Count 1 -Interval 0.05)
        $sample.Count | Should -BeGreaterOrEqual 1
        $sample.Map | Select-Object -Unique | Should -Be 'src_stats'
    }

    It 'receives the drop events of the ring buffer through the attachment' {
        $source = '198.18.0.66'
        Set-BpfMapEntry -InputObject $tc -MapName blocked -Key $source -Value 1
        try {
            $packet = New-BpfTestPacket -Udp -Source $source -Destination 198.18.0.1
            ($tcProgram | Invoke-BpfProgramTest -Packet $packet).Verdict | Should -Be 'TC_ACT_SHOT'
            $event = @($xdp | Receive-BpfEvent -MapName drops -Count 1 -Timeout 10)
            $event.Count | Should -Be 1
            # struct drop_event: the source in network order, then hook 2 (tc) as a little-endian __u32.
            ($event[0].Data -replace '[^0-9A-Fa-f]', '') | Should -BeLike 'c612004202000000*'
        } finally {
            $tc | Remove-BpfMapEntry -MapName blocked -Key $source
        }
    }

    It 'refuses a -MapName the program does not use, listing the names it has' {
        $e = Get-Error { $xdp | Get-BpfMapEntry -MapName src_stat }
        $e.FullyQualifiedErrorId | Should -BeLike 'BpfMapNotInProgram,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.Exception.Message | Should -BeLike "*guard_xdp*uses no map named 'src_stat'*It uses: src_stats, blocked, drops.*"
        $none = Get-Error { $tc | Get-BpfMapEntry }
        $none.FullyQualifiedErrorId | Should -BeLike 'MapNameRequired,*'
        $none.Exception.Message | Should -BeLike '*src_stats, blocked, drops*'
    }

    It 'shows the sizes of an object''s maps, as bpftool does' {
        foreach ($m in $obj.Maps) {
            $theirs = Invoke-Json bpftool -j map show id $m.Id
            $m.KeySize | Should -Be $theirs.bytes_key -Because $m.Name
            $m.ValueSize | Should -Be $theirs.bytes_value -Because $m.Name
            $m.MaxEntries | Should -Be $theirs.max_entries -Because $m.Name
        }
        ($obj.Maps | Where-Object Name -EQ src_stats).ValueSize | Should -Be 16
        $text = $obj.Maps | Out-String -Width 80
        $text | Should -Match '\bMaxEntries\b'
        $text | Should -Match '\b4096\b'
    }

    It 'shows the PinnedPath of a pinned map, the file on bpffs holding that map' {
        foreach ($name in 'src_stats', 'blocked', 'drops') {
            $listed = Get-BpfMap -Name $name | Where-Object Id -EQ $mapIds[$name]
            $listed.PinnedPath | Should -Be "$pin/$name"
            (Invoke-Json bpftool -j map show pinned $listed.PinnedPath).id | Should -Be $mapIds[$name]
            (Get-BpfMap -Id $mapIds[$name]).PinnedPath | Should -Be "$pin/$name"
        }
        # The second load pinned nothing: no path is made up for it.
        $unpinned = $other.Maps | Where-Object Name -EQ blocked
        (Get-BpfMap -Id $unpinned.Id).PinnedPath | Should -BeNullOrEmpty
        (Get-BpfMap -Name blocked | Where-Object Id -EQ $unpinned.Id).PinnedPath | Should -BeNullOrEmpty
    }
}
