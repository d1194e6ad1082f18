# Each pair of docs/from-bpftool.md, run in a test network: the tool and the cmdlet give the same answer, and
# what one of them made the other one sees and can undo.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:ns = $net['B'].NetNamespace
    $script:xdpPass = Get-BuiltinObjectPath pass xdp
    $script:tcPass = Get-BuiltinObjectPath pass tc
    # xdp-loader (libxdp) makes /sys/fs/bpf/xdp for its lock; it is removed again if it was not there before.
    $script:xdpDirBefore = Test-Path /sys/fs/bpf/xdp

    function Invoke-InNs {
        # Enters only the network namespace: `ip netns exec` would remount /sys and hide bpffs pins.
        $tool, $rest = $args
        & nsenter "--net=/run/netns/$ns" $tool @rest
        if ($LASTEXITCODE -ne 0) { throw "$tool $($rest -join ' ') failed in $ns" }
    }

    function Get-XdpLoaderStatus([string] $Interface) {
        # xdp-loader prints a table only: the row of the interface as name, mode and id.
        $row = Invoke-InNs xdp-loader status $Interface | Where-Object { $_ -match "^$Interface\s" }
        if ($row -match '<No XDP program loaded!>') { return $null }
        $f = -split $row
        [pscustomobject]@{ Name = $f[1]; Mode = $f[2]; Id = [uint32]$f[3]; Tag = $f[4] }
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    if (-not $xdpDirBefore -and (Test-Path /sys/fs/bpf/xdp) -and -not (Get-ChildItem -Force /sys/fs/bpf/xdp)) {
        Remove-Item /sys/fs/bpf/xdp
    }
    Remove-ScratchState
}

Describe 'bpftool prog beside Get-BpfProgram, Import-BpfObject and Invoke-BpfProgramTest' {
    It 'prog load + prog show agree with Import-BpfObject -PinPath + Get-BpfProgram' {
        $pin = New-ScratchPinPath
        & bpftool prog load $xdpPass $pin type xdp
        $theirs = Invoke-Json bpftool -j prog show pinned $pin
        $ours = Get-BpfProgram -Id $theirs.id
        ($ours.Name, $ours.Type, $ours.Tag) | Should -Be @($theirs.name, $theirs.type, $theirs.tag)
        @(Get-BpfProgram -Name $theirs.name).Id | Should -Contain $theirs.id
        $obj = Import-BpfObject -LiteralPath $xdpPass -PinPath (New-ScratchPinPath)
        try {
            $pinned = Invoke-Json bpftool -j prog show pinned $obj.Programs[0].PinnedPath
            $pinned.id | Should -Be $obj.Programs[0].Id
            $pinned.tag | Should -Be $theirs.tag -Because 'the same object file gives the same instructions'
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'prog run gives the return value Invoke-BpfProgramTest names' {
        $pin = New-ScratchPinPath
        & bpftool prog load (Get-BuiltinObjectPath drop xdp) $pin type xdp
        $packet = New-BpfTestPacket -Udp
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-$PID-frame.bin"
        try {
            [IO.File]::WriteAllBytes($file, $packet.Bytes)
            $theirs = Invoke-Json bpftool -j prog run pinned $pin data_in $file repeat 1
            $ours = Invoke-BpfProgramTest -Program (Invoke-Json bpftool -j prog show pinned $pin).id -Packet $packet
            $ours.ReturnValue | Should -Be $theirs.retval
            ($ours.Verdict, $ours.Action) | Should -Be @('XDP_DROP', 'Drop')
        }
        finally { Remove-Item $file -ErrorAction Ignore }
    }
}

Describe 'bpftool map beside Get-BpfMap, Get-/Set-/Remove-BpfMapEntry' {
    BeforeAll {
        $script:obj = Import-BpfObject -Program count_pass -Hook Xdp -PinPath (New-ScratchPinPath)
        $script:map = $obj.Maps | Where-Object Name -EQ counters
        $script:cpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1
    }
    AfterAll { if ($obj) { $obj | Remove-BpfObject -Confirm:$false } }

    It 'map show agrees with Get-BpfMap' {
        $theirs = Invoke-Json bpftool -j map show pinned $map.PinnedPath
        $ours = Get-BpfMap -Id $theirs.id
        ($ours.Name, $ours.Type, $ours.KeySize, $ours.ValueSize, $ours.MaxEntries) |
            Should -Be @($theirs.name, $theirs.type, $theirs.bytes_key, $theirs.bytes_value, $theirs.max_entries)
    }

    It 'map update + lookup and dump agree with Set-BpfMapEntry + Get-BpfMapEntry, per CPU and summed' {
        # key 0; value { packets = 7, bytes = 300 } as little-endian bytes, on every CPU.
        $value = [BitConverter]::GetBytes([uint64]7) + [BitConverter]::GetBytes([uint64]300) | ForEach-Object { "$_" }
        & bpftool map update pinned $map.PinnedPath key 0 0 0 0 value @value
        $e = Get-BpfMapEntry -LiteralPath $map.PinnedPath -Key 0 -PerCpu
        $e.Value.packets | Should -Be (7 * $cpus)
        @($e.PerCpu.bytes | Sort-Object -Unique) | Should -Be @(300)

        # One value is CPU 0's and the other CPUs are zeroed, so the summed read gives back what was written.
        Set-BpfMapEntry -LiteralPath $map.PinnedPath -Key 0 -Value @{ packets = 11; bytes = 1500 }
        $theirs = (Invoke-Json bpftool -j map lookup pinned $map.PinnedPath key 0 0 0 0).formatted.values
        ($theirs | Where-Object cpu -EQ 0).value.packets | Should -Be 11
        ($theirs | Where-Object cpu -EQ 0).value.bytes | Should -Be 1500
        @($theirs | Where-Object cpu -NE 0 | ForEach-Object { $_.value.packets + $_.value.bytes } | Sort-Object -Unique) |
            Should -Be @($(if ($cpus -gt 1) { 0 }))
        (Get-BpfMapEntry -LiteralPath $map.PinnedPath -Key 0).Value.packets | Should -Be 11
        @(Invoke-Json bpftool -j map dump pinned $map.PinnedPath).Count | Should -Be @(Get-BpfMapEntry -LiteralPath $map.PinnedPath).Count
    }
}

Describe 'docs/from-bpftool.md' {
    It 'has a cmdlet for every bpftool command it lists' {
        Get-Content -Raw $PSScriptRoot/../../docs/from-bpftool.md | Should -Not -Match 'no cmdlet'
    }
}

Describe 'bpftool prog/map pin, map create and prog dump xlated beside New-BpfPin, New-BpfMap and Get-BpfProgramInstruction' {
    BeforeAll { $script:loaded = Import-BpfObject -Program count_pass -Hook Xdp }
    AfterAll { if ($loaded) { $loaded | Remove-BpfObject -Confirm:$false } }

    It 'what one pins the other finds: prog pin and map pin beside New-BpfPin' {
        $dir = New-ScratchPinPath 'ebpfps-k4-frombpftool'
        $null = New-Item -ItemType Directory $dir
        & bpftool prog pin id $loaded.Programs[0].Id "$dir/theirs"
        $LASTEXITCODE | Should -Be 0
        $null = New-BpfPin -MapId $loaded.Maps[0].Id -Path "$dir/ours"
        (Invoke-Json bpftool -j map show pinned "$dir/ours").id | Should -Be $loaded.Maps[0].Id
        & bpftool map pin id $loaded.Maps[0].Id "$dir/theirs-map"
        (Get-BpfMap -LiteralPath "$dir/theirs-map").Id | Should -Be $loaded.Maps[0].Id
        Remove-BpfProgram -LiteralPath "$dir/theirs" -Confirm:$false
        Test-Path "$dir/theirs" | Should -BeFalse
    }

    It 'map create and New-BpfMap make the same map' {
        $dir = New-ScratchPinPath 'ebpfps-k4-frombpftool'
        $null = New-Item -ItemType Directory $dir
        & bpftool map create "$dir/theirs" type hash key 4 value 8 entries 1024 name k4_blocked
        $LASTEXITCODE | Should -Be 0
        $ours = New-BpfMap -Path "$dir/ours" -Type hash -KeySize 4 -ValueSize 8 -MaxEntries 1024 -Name k4_blocked
        $theirs = Get-BpfMap -LiteralPath "$dir/theirs"
        foreach ($p in 'Name', 'Type', 'KeySize', 'ValueSize', 'MaxEntries', 'Flags', 'BtfId') { $ours.$p | Should -Be $theirs.$p }
    }

    It 'prog dump xlated and Get-BpfProgramInstruction give the same instructions' {
        $theirs = @(Invoke-Json bpftool -j prog dump xlated id $loaded.Programs[0].Id)
        $ours = @(Get-BpfProgramInstruction -Id $loaded.Programs[0].Id)
        @($theirs.disasm | ForEach-Object { ($_ -replace '\s+', ' ').Trim() }) | Should -Be @($ours.Disassembly)
    }
}

Describe 'bpftool map push, peek and pop beside Push-, Get- and Pop-BpfMapEntry' {
    BeforeAll {
        $script:values = Import-BpfObject -LiteralPath (Build-TestBpfObject value_maps)
        $script:queue = $values.Maps | Where-Object Name -EQ vm_queue
        function Read-Bpftool([string] $Verb) {
            [BitConverter]::ToUInt32([byte[]]@((Invoke-Json bpftool -j map $Verb id $queue.Id).value |
                ForEach-Object { [Convert]::ToByte($_, 16) }), 0)
        }
    }
    AfterAll { if ($values) { $values | Remove-BpfObject -Confirm:$false } }

    It 'what one pushes the other peeks and pops, first in first out' {
        Push-BpfMapEntry -Id $queue.Id -Value 1
        & bpftool map push id $queue.Id value 2 0 0 0
        $LASTEXITCODE | Should -Be 0
        (Get-BpfMapEntry -Id $queue.Id).Value | Should -Be 1
        Read-Bpftool peek | Should -Be 1
        Read-Bpftool pop | Should -Be 1
        (Pop-BpfMapEntry -Id $queue.Id).Value | Should -Be 2
        @(Pop-BpfMapEntry -Id $queue.Id) | Should -BeNullOrEmpty
    }
}

Describe 'ip link set ... xdp and xdp-loader beside Add-, Get- and Remove-XdpProgram' {
    It 'what ip attaches Get-XdpProgram shows and Remove-XdpProgram removes; and the other way round' {
        & ip -n $ns link set dev veth-b xdpgeneric obj $xdpPass sec xdp
        $ip = Get-IpXdp $ns veth-b
        $ours = Get-XdpProgram -NetNamespace $ns -Interface veth-b
        ($ours.ProgramId, $ours.Mode, $ours.ProgramName) | Should -Be @($ip.ProgramId, 'Generic', 'pass')
        Remove-XdpProgram -Interface veth-b -NetNamespace $ns -Confirm:$false
        (Get-IpXdp $ns veth-b).Mode | Should -BeNullOrEmpty

        $added = Add-XdpProgram -Interface veth-b -NetNamespace $ns -LiteralPath $xdpPass -Mode Generic -PassThru
        (Get-IpXdp $ns veth-b).ProgramId | Should -Be $added.ProgramId
        & ip -n $ns link set dev veth-b xdpgeneric off
        Get-XdpProgram -NetNamespace $ns -Interface veth-b | Should -BeNullOrEmpty
    }

    It 'what xdp-loader loads Get-XdpProgram shows and removes; what Add-XdpProgram attaches xdp-loader shows and unloads' {
        Invoke-InNs xdp-loader load -m skb veth-b $xdpPass
        $status = Get-XdpLoaderStatus veth-b
        $ours = Get-XdpProgram -NetNamespace $ns -Interface veth-b
        ($ours.ProgramId, $ours.ProgramName, $ours.ProgramTag, $ours.Mode) | Should -Be @($status.Id, $status.Name, $status.Tag, 'Generic')
        Remove-XdpProgram -Interface veth-b -NetNamespace $ns -Confirm:$false
        Get-XdpLoaderStatus veth-b | Should -BeNullOrEmpty

        $added = Add-XdpProgram -Interface veth-b -NetNamespace $ns -LiteralPath $xdpPass -Mode Generic -PassThru
        (Get-XdpLoaderStatus veth-b).Id | Should -Be $added.ProgramId
        Invoke-InNs xdp-loader unload veth-b --all
        Get-XdpProgram -NetNamespace $ns -Interface veth-b | Should -BeNullOrEmpty
    }
}

Describe 'tc filter beside Add-, Get- and Remove-TcProgram, and bpftool link beside Get-BpfLink' {
    AfterEach { & ip netns exec $ns tc qdisc del dev veth-b clsact 2>$null }

    It 'a filter tc adds Get-TcProgram shows and Remove-TcProgram deletes; and the other way round' {
        & ip netns exec $ns tc qdisc add dev veth-b clsact
        & ip netns exec $ns tc filter add dev veth-b ingress pref 3 handle 4 bpf da obj $tcPass sec tc
        $tc = Get-TcFilters $ns veth-b ingress
        $ours = Get-TcProgram -NetNamespace $ns -Interface veth-b -Direction Ingress
        ($ours.Priority, $ours.Handle, $ours.ProgramId) | Should -Be @($tc.Priority, $tc.Handle, $tc.ProgramId)
        Remove-TcProgram -Interface veth-b -NetNamespace $ns -Direction Ingress -Priority 3 -Handle 4 -Confirm:$false
        Get-TcFilters $ns veth-b ingress | Should -BeNullOrEmpty

        $added = Add-TcProgram -Interface veth-b -NetNamespace $ns -LiteralPath $tcPass -Direction Egress -Priority 5 -Handle 2 -PassThru
        $tc = Get-TcFilters $ns veth-b egress
        ($tc.Priority, $tc.Handle, $tc.ProgramId) | Should -Be @(5, 2, $added.ProgramId)
        & ip netns exec $ns tc filter del dev veth-b egress pref 5 handle 2 bpf
        Get-TcProgram -NetNamespace $ns -Interface veth-b | Should -BeNullOrEmpty
    }

    It 'a tcx link Add-TcProgram makes bpftool link show lists as Get-BpfLink does' {
        $added = Add-TcProgram -Interface veth-b -NetNamespace $ns -LiteralPath $tcPass -Mode Tcx -PassThru
        try {
            $theirs = Invoke-Json bpftool -j link show id $added.LinkId
            $ours = Get-BpfLink -Id $added.LinkId
            ($ours.ProgramId, $ours.TypeId) | Should -Be @($theirs.prog_id, 11)
            ($ours.Interface, $ours.NetNamespace, $ours.AttachType) | Should -Be @('veth-b', $ns, 'tcx_ingress')
        }
        finally { $added | Remove-TcProgram -Confirm:$false }
    }
}
