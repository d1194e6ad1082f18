# Typed map entries, cross-checked value by value with bpftool's "formatted" dump and raw bytes.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject btf_shapes)
    $script:shapes = $obj.Maps | Where-Object Name -EQ shapes
    $script:bits = $obj.Maps | Where-Object Name -EQ bits
    $script:pcpu = $obj.Maps | Where-Object Name -EQ pcpu
    $script:cpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1


    function ConvertTo-LeUInt32([string] $Address) { [BitConverter]::ToUInt32(([ipaddress]$Address).GetAddressBytes(), 0) }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Get-BpfMapEntry on a map with nested structs, arrays, an enum, a union and bitfields' {
    BeforeAll {
        $value = @{
            kind = 'SHAPE_SQUARE'; corners = @(@{ x = -1; y = 2 }, @{ x = 3; y = -4 }); label = 'box'
            flags_low = 9; flags_high = 1000; weight = -123456789012; tag = @{ as_u32 = 0x04030201 }; addr = '198.18.7.9'
        }
        Set-BpfMapEntry -InputObject $shapes -Key 5 -Value $value
        $script:ours = Get-BpfMapEntry -InputObject $shapes -Key 5
        $script:theirs = (Invoke-Json bpftool -j map lookup id $shapes.Id key 5 0 0 0).formatted.value
    }

    It 'decodes every field as bpftool formats it' {
        $v = $ours.Value
        $v.kind | Should -Be 'SHAPE_SQUARE'
        $theirs.kind | Should -Be 'SHAPE_SQUARE'
        for ($i = 0; $i -lt 2; $i++) {
            $v.corners[$i].x | Should -Be $theirs.corners[$i].x
            $v.corners[$i].y | Should -Be $theirs.corners[$i].y
        }
        $v.label | Should -Be 'box'
        $v.label | Should -Be $theirs.label
        # bpftool prints bitfields in hex.
        $v.flags_low | Should -Be ([Convert]::ToUInt64($theirs.flags_low, 16))
        $v.flags_high | Should -Be ([Convert]::ToUInt64($theirs.flags_high, 16))
        $v.flags_high | Should -Be 1000
        $v.weight | Should -Be $theirs.weight
        $v.tag.as_u32 | Should -Be $theirs.tag.as_u32
        @($v.tag.as_bytes) | Should -Be @(1, 2, 3, 4)
        # bpftool prints a __be32 as the little-endian number of its bytes; we print the address.
        $v.addr | Should -Be '198.18.7.9'
        $theirs.addr | Should -Be (ConvertTo-LeUInt32 '198.18.7.9')
    }

    It 'round-trips: what Get returns, Set accepts' {
        Set-BpfMapEntry -InputObject $shapes -Key 6 -Value $ours.Value
        $bytes5 = (Invoke-Json bpftool -j map lookup id $shapes.Id key 5 0 0 0).value
        $bytes6 = (Invoke-Json bpftool -j map lookup id $shapes.Id key 6 0 0 0).value
        $bytes6 | Should -Be $bytes5
    }

    It 'reads what bpftool wrote' {
        $hex = @('01', '00', '00', '00') + @('00') * 16 + @('41', '42', '00', '00', '00', '00', '00', '00') + @('00') * 20
        $hex = $hex[0..47]
        & bpftool map update id $shapes.Id key 9 0 0 0 value hex @hex
        $LASTEXITCODE | Should -Be 0
        $e = Get-BpfMapEntry -InputObject $shapes -Key 9
        $e.Value.kind | Should -Be 'SHAPE_CIRCLE'
        $e.Value.label | Should -Be 'AB'
    }

    It 'names the field in errors: <Case>' -ForEach @(
        @{ Case = 'missing field'; Value = @{ kind = 1 }; Id = 'MissingField'; Field = 'corners' }
        @{ Case = 'unknown field'; Value = @{ kind = 1; colour = 2 }; Id = 'UnknownField'; Field = 'colour' }
        @{ Case = 'out of range'; Value = 'range'; Id = 'ValueOutOfRange'; Field = 'flags_low' }
        @{ Case = 'unknown enum'; Value = 'enum'; Id = 'UnknownEnumValue'; Field = 'kind' }
        @{ Case = 'text too long'; Value = 'label'; Id = 'ValueTooLarge'; Field = 'label' }
    ) {
        $full = @{ kind = 1; corners = @(@{ x = 0; y = 0 }, @{ x = 0; y = 0 }); label = ''; flags_low = 0; flags_high = 0; weight = 0; tag = @{ as_u32 = 0 }; addr = 0 }
        switch ($Value) {
            'range' { $full.flags_low = 16; $Value = $full }
            'enum' { $full.kind = 'SHAPE_HEXAGON'; $Value = $full }
            'label' { $full.label = 'much too long'; $Value = $full }
        }
        $e = Get-Error { Set-BpfMapEntry -InputObject $shapes -Key 11 -Value $Value }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.Exception.Message | Should -Match $Field
        @(Invoke-Json bpftool -j map dump id $shapes.Id | Where-Object { $_.formatted.key -eq 11 }) | Should -BeNullOrEmpty
    }

    It 'a key of the wrong shape and a value of the wrong size are errors' {
        (Get-Error { Set-BpfMapEntry -InputObject $shapes -Key @{ a = 1 } -Value ([byte[]]::new(48)) }).FullyQualifiedErrorId | Should -BeLike 'WrongShape,*'
        (Get-Error { Set-BpfMapEntry -InputObject $shapes -Key 1 -Value ([byte[]]::new(49)) }).FullyQualifiedErrorId | Should -BeLike 'WrongValueSize,*'
        (Get-Error { Set-BpfMapEntry -InputObject $shapes -Key ([byte[]]::new(3)) -Value ([byte[]]::new(48)) }).FullyQualifiedErrorId | Should -BeLike 'WrongKeySize,*'
    }

    It 'a ring buffer has no keys to read: MapHasNoKeys, at once' {
        $e = Get-Error { Get-BpfMapEntry -InputObject $obj -MapName events }
        $e.FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
    }

    It 'a map of an object that was released: BpfObjectClosed' {
        $other = Import-BpfObject -LiteralPath (Build-TestBpfObject btf_shapes)
        $map = $other.Maps | Where-Object Name -EQ shapes
        $other | Remove-BpfObject -Confirm:$false
        (Get-Error { Get-BpfMapEntry -InputObject $map }).FullyQualifiedErrorId | Should -BeLike 'BpfObjectClosed,*'
    }

    It 'removes and clears entries, as bpftool sees' {
        Remove-BpfMapEntry -InputObject $shapes -Key 6 -Confirm:$false
        @(Invoke-Json bpftool -j map dump id $shapes.Id | Where-Object { $_.formatted.key -eq 6 }) | Should -BeNullOrEmpty
        Clear-BpfMap -InputObject $shapes -Confirm:$false
        @(Invoke-Json bpftool -j map dump id $shapes.Id) | Should -BeNullOrEmpty
    }
}

Describe 'Keys that are not structs, and maps whose values are file descriptors' {
    BeforeAll {
        $script:block = Import-BpfObject -LiteralPath (Build-TestBpfObject ip_blocklist) -PinPath (New-ScratchPinPath)
        $script:blocked = $block.Maps | Where-Object Name -EQ blocked_ips
        $script:vni = $block.Maps | Where-Object Name -EQ vni_table
    }

    AfterAll { if ($block) { $block | Remove-BpfObject -Confirm:$false } }

    It 'a byte array is one key for Set, Get and Remove, as bpftool sees it' {
        Set-BpfMapEntry -InputObject $blocked -Key ([byte[]](198, 18, 0, 2)) -Value 5
        $e = @(Get-BpfMapEntry -InputObject $blocked -Key ([byte[]](198, 18, 0, 2)))
        $e.Count | Should -Be 1
        $e[0].Value | Should -Be 5
        (Invoke-Json bpftool -j map lookup id $blocked.Id key 198 18 0 2).formatted.value | Should -Be 5
        @(Get-BpfMapEntry -InputObject $blocked -Key ([byte[]](198, 18, 0, 2)) -Raw)[0].Key | Should -Be ([byte[]](198, 18, 0, 2))
        Remove-BpfMapEntry -InputObject $blocked -Key ([byte[]](198, 18, 0, 2)) -Confirm:$false
        @(Invoke-Json bpftool -j map dump id $blocked.Id) | Should -BeNullOrEmpty
    }

    It 'a plain __be32 key reads as an address by its type, whatever the map is called; -NoNetworkFormat as a number' {
        Set-BpfMapEntry -InputObject $blocked -Key '198.18.0.9' -Value 0
        Set-BpfMapEntry -InputObject $vni -Key 4242 -Value 7
        try {
            (Get-BpfMapEntry -InputObject $blocked).Key | Should -Be '198.18.0.9'
            (Get-BpfMapEntry -InputObject $blocked -NoNetworkFormat).Key | Should -Be ([uint32]3323068425) -Because '198.18.0.9 read in network order'
            # The same type in a map whose name says nothing of addresses (issue 19): the type decides, not the name.
            (Get-BpfMapEntry -InputObject $vni).Key | Should -Be '0.0.16.146'
            (Get-BpfMapEntry -InputObject $vni -NoNetworkFormat).Key | Should -Be 4242
            # bpftool prints the bytes as a host-order number; both are the same network-order bytes.
            (Invoke-Json bpftool -j map dump id $vni.Id)[0].key | Should -Be @('0x00', '0x00', '0x10', '0x92')
            (Invoke-Json bpftool -j map dump id $blocked.Id)[0].key | Should -Be @('0xc6', '0x12', '0x00', '0x09')
            # The program keys on the same bytes: a packet from that source is dropped and counted.
            $p = New-BpfTestPacket -Udp -Source 198.18.0.9 -Destination 198.18.0.1
            (Invoke-BpfProgramTest -Program $block -ProgramName blocklist_xdp_filter -Packet $p).Verdict | Should -Be 'XDP_DROP'
            (Get-BpfMapEntry -InputObject $blocked -Key '198.18.0.9').Value | Should -Be 1
        }
        finally { Clear-BpfMap -InputObject $blocked -Confirm:$false; Clear-BpfMap -InputObject $vni -Confirm:$false }
    }

    It 'a <Type> has no entries to read: MapHasNoKeys at once, not the kernel''s errno 524' -ForEach @(
        @{ Type = 'perf event array'; Fixture = 'ip_blocklist'; Map = 'drop_events' }
        @{ Type = 'AF_XDP socket map'; Fixture = 'queue_steer'; Map = 'steer_sockets' }
    ) {
        $o = Import-BpfObject -LiteralPath (Build-TestBpfObject $Fixture) -PinPath (New-ScratchPinPath)
        try {
            foreach ($read in { Get-BpfMapEntry -InputObject $o -MapName $Map }, { Get-BpfMapEntry -InputObject $o -MapName $Map -Key 0 },
                { Get-BpfMapEntry -InputObject $o -MapName $Map -AsBatch }, { Watch-BpfMap -InputObject $o -MapName $Map -Count 1 }) {
                $e = Get-Error $read
                $e.FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
                $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
                $e.Exception.Message | Should -Not -Match '524'
            }
        }
        finally { $o | Remove-BpfObject -Confirm:$false }
    }
}

Describe 'Get-BpfMapEntry on bitfields that are signed, enums, or 64 bits wide' {
    BeforeAll {
        Set-BpfMapEntry -InputObject $bits -Key 1 -Value @{ small = -3; kind = 'SHAPE_SQUARE'; pad = 1; wide = 0x0fedcba987654321; rest = 9 }
        $script:ours = (Get-BpfMapEntry -InputObject $bits -Key 1).Value
        $script:theirs = (Invoke-Json bpftool -j map lookup id $bits.Id key 1 0 0 0).formatted.value
    }

    It 'sign-extends signed bitfields and names enum bitfields; bpftool shows the same bits' {
        $ours.small | Should -Be -3
        # bpftool prints every bitfield as the hex of its bits, unsigned.
        [Convert]::ToUInt64($theirs.small, 16) | Should -Be ($ours.small -band 0xf)
        $ours.kind | Should -Be 'SHAPE_SQUARE'
        [Convert]::ToUInt64($theirs.kind, 16) | Should -Be 7
        $ours.pad | Should -Be ([Convert]::ToUInt64($theirs.pad, 16))
        $ours.wide | Should -Be ([Convert]::ToUInt64($theirs.wide, 16))
        $ours.wide | Should -Be 0x0fedcba987654321
        $ours.rest | Should -Be ([Convert]::ToUInt64($theirs.rest, 16))
    }

    It 'round-trips them byte for byte' {
        Set-BpfMapEntry -InputObject $bits -Key 2 -Value $ours
        (Invoke-Json bpftool -j map lookup id $bits.Id key 2 0 0 0).value | Should -Be (Invoke-Json bpftool -j map lookup id $bits.Id key 1 0 0 0).value
    }

    It 'a signed bitfield out of its range is an error naming it' {
        $e = Get-Error { Set-BpfMapEntry -InputObject $bits -Key 3 -Value @{ small = -9; kind = 0; pad = 0; wide = 0; rest = 0 } }
        $e.FullyQualifiedErrorId | Should -BeLike 'ValueOutOfRange,*'
        $e.Exception.Message | Should -Match 'small'
        @(Invoke-Json bpftool -j map dump id $bits.Id | Where-Object { $_.formatted.key -eq 3 }) | Should -BeNullOrEmpty
    }
}

Describe 'Per-CPU values: sums, one value for every CPU, one per CPU' {
    It 'writes one value to CPU 0 (the others zeroed) and sums each field over the CPUs' {
        Set-BpfMapEntry -InputObject $pcpu -Key 1 -Value @{ packets = 5; delta = -2; name = 'ab' }
        $theirs = (Invoke-Json bpftool -j map lookup id $pcpu.Id key 1 0 0 0).formatted.values
        @($theirs).Count | Should -Be $cpus
        foreach ($t in $theirs) {
            $t.value.packets | Should -Be $(if ($t.cpu -eq 0) { 5 } else { 0 })
            $t.value.delta | Should -Be $(if ($t.cpu -eq 0) { -2 } else { 0 })
            $t.value.name | Should -Be $(if ($t.cpu -eq 0) { 'ab' } else { '' })
        }
        $e = Get-BpfMapEntry -InputObject $pcpu -Key 1 -PerCpu
        $e.Value.packets | Should -Be (($theirs.value.packets | Measure-Object -Sum).Sum)
        $e.Value.delta | Should -Be (($theirs.value.delta | Measure-Object -Sum).Sum)
        $e.Value.name | Should -Be 'ab'
        @($e.PerCpu).Count | Should -Be $cpus
    }

    It 'sets each CPU from an array, as bpftool sees per CPU; -PerCpu and -Raw output write back the same bytes' {
        $values = foreach ($c in 0..($cpus - 1)) { @{ packets = 100 + $c; delta = -$c; name = "c$c" } }
        Set-BpfMapEntry -InputObject $pcpu -Key 2 -Value $values
        $theirs = (Invoke-Json bpftool -j map lookup id $pcpu.Id key 2 0 0 0).formatted.values
        foreach ($t in $theirs) {
            $t.value.packets | Should -Be (100 + $t.cpu)
            $t.value.delta | Should -Be (-$t.cpu)
            $t.value.name | Should -Be "c$($t.cpu)"
        }
        $e = Get-BpfMapEntry -InputObject $pcpu -Key 2 -PerCpu
        for ($c = 0; $c -lt $cpus; $c++) { $e.PerCpu[$c].packets | Should -Be (100 + $c) }
        Set-BpfMapEntry -InputObject $pcpu -Key 3 -Value $e.PerCpu
        Set-BpfMapEntry -InputObject $pcpu -Key 4 -Value (Get-BpfMapEntry -InputObject $pcpu -Key 2 -Raw).Value
        $bytes2 = (Invoke-Json bpftool -j map lookup id $pcpu.Id key 2 0 0 0).values.value
        (Invoke-Json bpftool -j map lookup id $pcpu.Id key 3 0 0 0).values.value | Should -Be $bytes2
        (Invoke-Json bpftool -j map lookup id $pcpu.Id key 4 0 0 0).values.value | Should -Be $bytes2
    }

    It 'shows each CPU''s value in a table by default when read with -PerCpu' {
        $values = foreach ($c in 0..($cpus - 1)) { @{ packets = 200 + $c; delta = 0; name = '' } }
        Set-BpfMapEntry -InputObject $pcpu -Key 2 -Value $values
        $e = Get-BpfMapEntry -InputObject $pcpu -Key 2 -PerCpu
        $e.PSObject.TypeNames[0] | Should -Be 'EbpfPs.BpfMapEntry#PerCpu'
        $lines = ($e | Out-String -Width 200) -split "`n"
        @($lines -match '^Key\s+Total\s+PerCpu \(cpu:value\)').Count | Should -Be 1
        @($lines -match '^2\s').Count | Should -Be 1
        # One CPU a line, so a many-CPU machine's values stay readable.
        foreach ($c in 0..($cpus - 1)) { @($lines -match "\b${c}:\{packets=$(200 + $c) ").Count | Should -Be 1 }
        (Get-BpfMapEntry -InputObject $pcpu -Key 2).PSObject.TypeNames[0] | Should -Be 'EbpfPs.BpfMapEntry#CpuSum'
    }

    It 'a per-CPU array of the wrong length is WrongCpuCount and writes nothing' {
        $values = foreach ($c in 0..$cpus) { @{ packets = 1; delta = 0; name = '' } }
        Remove-BpfMapEntry -InputObject $pcpu -Key 4 -Confirm:$false
        (Get-Error { Set-BpfMapEntry -InputObject $pcpu -Key 4 -Value $values }).FullyQualifiedErrorId | Should -BeLike 'WrongCpuCount,*'
        @(Invoke-Json bpftool -j map dump id $pcpu.Id | Where-Object { $_.formatted.key -eq 4 }) | Should -BeNullOrEmpty
    }
}

Describe 'Get-BpfMapEntry -AsBatch and maps larger than one batch' {
    BeforeAll {
        $script:big = New-ScratchPinPath 'ebpfps-big'
        & bpftool map create $big type hash key 4 value 4 entries 20000 name ebpfps_big
        $batch = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-big-$PID.batch"
        $lines = foreach ($i in 1..5000) {
            $k = [BitConverter]::GetBytes([uint32]$i); $v = [BitConverter]::GetBytes([uint32]($i * 3))
            "map update pinned $big key $($k -join ' ') value $($v -join ' ')"
        }
        Set-Content -LiteralPath $batch -Value $lines
        & bpftool batch file $batch | Out-Null
        Remove-Item -LiteralPath $batch
        $script:theirs = @(Invoke-Json bpftool -j map dump pinned $big)
    }

    It 'reads every entry bpftool sees, value by value' {
        $theirs.Count | Should -Be 5000
        $ours = @(Get-BpfMapEntry -LiteralPath $big)
        $ours.Count | Should -Be $theirs.Count
        # Without BTF bpftool gives only bytes, as "0x.." strings.
        function ConvertFrom-HexBytes($hex) { [BitConverter]::ToUInt32([byte[]]($hex | ForEach-Object { [Convert]::ToByte($_, 16) }), 0) }
        $byKey = @{}; foreach ($t in $theirs) { $byKey[(ConvertFrom-HexBytes $t.key)] = ConvertFrom-HexBytes $t.value }
        foreach ($o in $ours) { $o.Value | Should -Be $byKey[$o.Key] }
        $ours[0].KeyHex | Should -Be ([Convert]::ToHexString([BitConverter]::GetBytes([uint32]$ours[0].Key)).ToLowerInvariant())
    }

    It 'stops reading when the pipeline stops early, and the map reads again after' {
        @(Get-BpfMapEntry -LiteralPath $big | Select-Object -First 3).Count | Should -Be 3
        @(Get-BpfMapEntry -LiteralPath $big).Count | Should -Be 5000
    }

    It '-AsBatch gives the kernel''s bytes per batch, covering every key once' {
        $batches = @(Get-BpfMapEntry -LiteralPath $big -AsBatch)
        ($batches | Measure-Object Count -Sum).Sum | Should -Be 5000
        $keys = foreach ($b in $batches) { for ($i = 0; $i -lt $b.Count; $i++) { [BitConverter]::ToUInt32($b.Keys, $i * 4) } }
        ($keys | Sort-Object -Unique).Count | Should -Be 5000
        $b = $batches[0]
        [BitConverter]::ToUInt32($b.GetValue(0), 0) | Should -Be ([BitConverter]::ToUInt32($b.GetKey(0), 0) * 3)
    }

    It '-AsBatch does not combine with -Key' {
        (Get-Error { Get-BpfMapEntry -LiteralPath $big -AsBatch -Key 1 }).FullyQualifiedErrorId | Should -BeLike 'AsBatchReadsWholeMap,*'
    }
}

Describe 'Get-BpfMapEntry on maps bpftool made' {
    BeforeAll {
        $script:pin = New-ScratchPinPath 'ebpfps-rawmap'
        & bpftool map create $pin type hash key 4 value 8 entries 8 name ebpfps_raw
        & bpftool map update pinned $pin key 1 0 0 0 value 0x2a 0 0 0 0 0 0 0
        $script:pcpu = New-ScratchPinPath 'ebpfps-pcpu'
        & bpftool map create $pcpu type percpu_hash key 8 value 16 entries 8 name ebpfps_pcpu
        & bpftool map update pinned $pcpu key 1 2 3 4 5 6 7 8 value 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0
    }

    It 'reads a map without BTF by -Path: integers for 4- and 8-byte keys and values, and their bytes in hex' {
        $e = Get-BpfMapEntry -LiteralPath $pin
        $e.Key | Should -Be 1
        $e.Value | Should -Be 42
        $theirs = Invoke-Json bpftool -j map dump pinned $pin
        $e.KeyHex | Should -Be (($theirs[0].key | ForEach-Object { $_.Substring(2) }) -join '')
        $e.ValueHex | Should -Be (($theirs[0].value | ForEach-Object { $_.Substring(2) }) -join '')
    }

    It 'ConvertTo-Json writes a raw entry''s fields once, its hex beside the integers; Export-Csv the same columns flat' {
        $e = Get-BpfMapEntry -LiteralPath $pin -Key 1
        $json = $e | ConvertTo-Json
        $back = $json | ConvertFrom-Json
        @($back.PSObject.Properties.Name) | Should -Be @('MapId', 'Map', 'Key', 'Value', 'KeyHex', 'ValueHex')
        $json | Should -Not -Match 'null|PerCpu'
        $theirs = Invoke-Json bpftool -j map lookup pinned $pin key 1 0 0 0
        $back.ValueHex | Should -Be (($theirs.value | ForEach-Object { $_.Substring(2) }) -join '')
        $back.Value | Should -Be 42
        @(($e | ConvertTo-Csv | ConvertFrom-Csv)[0].PSObject.Properties.Name) |
            Should -Be @('MapId', 'Map', 'Key', 'Value', 'KeyHex', 'ValueHex')
    }

    It 'reopens a map from Get-BpfMap by its id' {
        $info = Get-BpfMap -LiteralPath $pin
        ($info | Get-BpfMapEntry -Key 1).Value | Should -Be (Get-BpfMapEntry -Id $info.Id -Key 1).Value
    }

    It 'sums per-CPU values and shows them per CPU with -PerCpu' {
        $cpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1
        $e = Get-BpfMapEntry -LiteralPath $pcpu -PerCpu
        $e.Key | Should -Be ([BitConverter]::ToUInt64([byte[]](1..8), 0))
        $e.Value | Should -Be ('0100000000000000' + '0200000000000000') -Because 'a 16-byte value without BTF reads as hex'
        @($e.PerCpu).Count | Should -Be $cpus
        $theirs = Invoke-Json bpftool -j map dump pinned $pcpu
        @($theirs[0].values).Count | Should -Be $cpus
    }

    It 'writes exactly the bytes meant, and sees bpftool''s update' {
        Set-BpfMapEntry -LiteralPath $pin -Key 2 -Value 0x0102030405060708
        (Invoke-Json bpftool -j map lookup pinned $pin key 2 0 0 0).value | Should -Be @('0x08', '0x07', '0x06', '0x05', '0x04', '0x03', '0x02', '0x01')
        & bpftool map update pinned $pin key 2 0 0 0 value 9 0 0 0 0 0 0 0
        (Get-BpfMapEntry -LiteralPath $pin -Key 2).Value | Should -Be 9
    }

    It 'writes back a value it showed as hex, byte for byte' {
        $e = Get-BpfMapEntry -LiteralPath $pcpu
        Set-BpfMapEntry -LiteralPath $pcpu -Key ([byte[]](8..1)) -Value $e.Value
        $theirs = Invoke-Json bpftool -j map lookup pinned $pcpu key 8 7 6 5 4 3 2 1
        # One value is CPU 0's; the other CPUs are zeroed.
        foreach ($v in $theirs.values) {
            ($v.value | ForEach-Object { $_.Substring(2) }) -join '' | Should -Be $(if ($v.cpu -eq 0) { $e.Value } else { '0' * 32 })
        }
        (Get-Error { Set-BpfMapEntry -LiteralPath $pcpu -Key 7 -Value 'abcd' }).FullyQualifiedErrorId | Should -BeLike 'WrongSize,*'
    }
}

Describe 'Get-BpfMapEntry on the router''s counters after real traffic' {
    BeforeAll {
        $script:net = New-BpfTestNetwork -Topology Routed
        # The built-in's counters are pinned in its private folder, which goes with the network.
        $attached = $net.Interfaces | Where-Object Role -Like 'Router*' | Add-XdpProgram -Program router -Mode Generic -PassThru
        $script:stats = "$($attached[0].PinPath)/rout_stats"
        $null = & ip netns exec $net['ClientA'].NetNamespace ping -c 4 -i 0.2 $net['ClientB'].Address
        Send-UdpDatagrams $net['ClientA'].NetNamespace $net['ClientB'].Address 5001 7 100
    }

    AfterAll {
        if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    }

    It 'agrees with bpftool value by value, per-CPU values summed' {
        $ours = @(Get-BpfMapEntry -LiteralPath $stats)
        $theirs = @(Invoke-Json bpftool -j map dump pinned $stats)
        $ours.Count | Should -Be $theirs.Count
        $ours.Count | Should -Be 2
        foreach ($t in $theirs) {
            $src = [ipaddress]::new([BitConverter]::GetBytes([uint32]$t.formatted.key.src)).ToString()
            $dst = [ipaddress]::new([BitConverter]::GetBytes([uint32]$t.formatted.key.dst)).ToString()
            $o = $ours | Where-Object { $_.Key.src -eq $src -and $_.Key.dst -eq $dst }
            $o | Should -Not -BeNullOrEmpty
            $o.Value.packets | Should -Be ($t.formatted.values | ForEach-Object { $_.value.packets } | Measure-Object -Sum).Sum
            $o.Value.bytes | Should -Be ($t.formatted.values | ForEach-Object { $_.value.bytes } | Measure-Object -Sum).Sum
        }
        ($ours | Where-Object { $_.Key.src -eq $net['ClientA'].Address }).Value.packets | Should -Be 11
    }
}

Describe 'Watch-BpfMap' {
    It 'emits per key and sample the values, their deltas and per-second rates, flat enough for Export-Csv' {
        $net = New-BpfTestNetwork
        $counter = Import-BpfObject -Program count_drop -Hook Xdp
        try {
            $a = $net['A']; $b = $net['B']
            Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program $counter -Mode Native
            $p = New-BpfTestPacket -Udp -SourceMac $a.Mac -DestinationMac $b.Mac -FrameLength 100
            $job = Start-ThreadJob -ScriptBlock {
                param($p, $a)
                Import-Module $using:env:EBPFPS_MODULE
                1..6 | ForEach-Object { Send-BpfTestPacket -Packet $p -Interface $a.Interface -NetNamespace $a.NetNamespace -Count 1000 | Out-Null; Start-Sleep -Milliseconds 150 }
            } -ArgumentList $p, $a
            $rows = @(Watch-BpfMap -InputObject $counter -MapName counters -Interval 0.3 -Count 3)
            $job | Wait-Job | Receive-Job | Out-Null
            $rows.Count | Should -Be 3 -Because 'one key, three samples'
            $rows.Sample | Should -Be @(1, 2, 3)
            foreach ($r in $rows) {
                $r.packetsDelta | Should -Be ($r.bytesDelta / 100)
                $r.packetsPerSecond | Should -BeGreaterOrEqual 0
            }
            ($rows | Measure-Object packetsDelta -Sum).Sum | Should -BeGreaterThan 0
            $csv = $rows | ConvertTo-Csv | ConvertFrom-Csv
            $csv[0].PSObject.Properties.Name | Should -Contain 'packetsPerSecond'
            [double]$csv[-1].packets | Should -Be $rows[-1].packets
        }
        finally {
            Remove-BpfTestNetwork $net.Name -Confirm:$false
            $counter | Remove-BpfObject -Confirm:$false
        }
    }

    It 'waits out an -Interval longer than a single wait can take (1e9 s), and Ctrl+C still stops it' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; Watch-BpfMap -Id $($shapes.Id) -Interval 1e9 -Count 1")
        $async = $ps.BeginInvoke()
        Start-Sleep -Milliseconds 500
        # (Streams are read with ReadAll: enumerating one of a running pipeline waits for it to end.)
        $ps.InvocationStateInfo.State | Should -Be 'Running' -Because "it is waiting, not failed: $($ps.Streams.Error.ReadAll())"
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Streams.Error.ReadAll() | Should -BeNullOrEmpty
        $ps.Dispose()
    }
}
