# The built-ins keep the seed's (tk154/eBPF-Tests) map names, pinning and key/value layouts, so the seed's own user
# programs read and drive them; and build.ps1 writes big-endian twins of every built-in that the module never offers.
# The seed's side is tests/bpf/seed_layouts.c, written from ../shared/docs/seed-system.md; both sides are read
# with bpftool, not the module.
BeforeDiscovery {
    # Built-in program -> the seed build of the fixture, and the maps ours has beyond the seed's.
    $script:programs = foreach ($hook in 'xdp', 'tc') {
        @{ Program = 'router'; Seed = 'SEED_ROUTER'; Extra = @(); Hook = $hook }
        @{ Program = 'router_iperf'; Seed = 'SEED_ROUTER_IPERF'; Extra = @(); Hook = $hook }
        # seed-system.md lists only the route cache for router_map; its forwarded flows are counted like router's.
        @{ Program = 'router_map'; Seed = 'SEED_ROUTER_MAP'; Extra = @('rout_stats'); Hook = $hook }
        @{ Program = 'router_firewall'; Seed = 'SEED_ROUTER_FIREWALL'; Extra = @(); Hook = $hook }
    }
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:bpfDir = Join-Path (Split-Path (Get-Module EbpfPs).Path) 'bpf'

    function Get-TypeLayout([hashtable] $Types, [uint32] $Id) {
        # A type as text that changes with any member name, offset, size, element count or typedef name.
        $t = $Types[$Id]
        switch ($t.kind) {
            'INT' { return "$($t.name)($($t.size))" }
            'TYPEDEF' { return "$($t.name)=$(Get-TypeLayout $Types $t.type_id)" }
            { $_ -in 'CONST', 'VOLATILE', 'RESTRICT' } { return Get-TypeLayout $Types $t.type_id }
            'ARRAY' { return "$(Get-TypeLayout $Types $t.type_id)[$($t.nr_elems)]" }
            { $_ -in 'STRUCT', 'UNION' } {
                $members = @($t.members | ForEach-Object { "$($_.name)@$($_.bits_offset):$(Get-TypeLayout $Types $_.type_id)" })
                return "$($t.kind.ToLowerInvariant()) $($t.name){$($members -join '; ')}/$($t.size)"
            }
            default { return "$($t.kind) $($t.name)" }
        }
    }

    function Get-MapLayouts([string] $Path) {
        # Each map of the object's .maps section: name, key and value layout, and whether it is pinned by name.
        $dump = Invoke-Json bpftool -j btf dump file $Path
        $types = @{}
        foreach ($t in $dump.types) { $types[[uint32]$t.id] = $t }
        $section = $dump.types | Where-Object { $_.kind -eq 'DATASEC' -and $_.name -eq '.maps' }
        foreach ($v in $section.vars) {
            $var = $types[[uint32]$v.type_id]
            $def = $types[[uint32]$var.type_id]
            $field = @{}
            foreach ($m in $def.members) { $field[$m.name] = $types[[uint32]$m.type_id].type_id }
            $pinning = if ($field['pinning']) { $types[[uint32]$field['pinning']].nr_elems } else { 0 }
            [pscustomobject]@{
                Name   = $var.name
                Key    = Get-TypeLayout $types $field['key']
                Value  = Get-TypeLayout $types $field['value']
                Pinned = $pinning -eq 1 # LIBBPF_PIN_BY_NAME
            }
        }
    }

    function Get-ElfByteOrder([string] $Path) {
        # e_ident[EI_DATA] read straight from the file: 1 little-endian, 2 big-endian.
        $stream = [IO.File]::OpenRead($Path)
        try { $header = [byte[]]::new(6); $null = $stream.Read($header, 0, 6) } finally { $stream.Dispose() }
        @{ 1 = 'little'; 2 = 'big' }[[int]$header[5]]
    }
}

AfterAll { Remove-ScratchState }

Describe '<Hook>_<Program> keeps the seed''s maps' -ForEach $programs {
    BeforeAll {
        $script:seedMaps = @(Get-MapLayouts (Build-TestBpfObject -Name seed_layouts -Define $Seed))
        $script:ourMaps = @(Get-MapLayouts (Join-Path $bpfDir "$($Hook)_$Program.o"))
    }

    It 'has the seed''s map names, and no others but the documented extras' {
        $seedMaps | Should -Not -BeNullOrEmpty
        @($ourMaps.Name | Sort-Object) | Should -Be @(@($seedMaps.Name) + $Extra | Sort-Object)
    }

    It 'has the seed''s key and value layouts and pinning for each of them' {
        foreach ($seed in $seedMaps) {
            $ours = $ourMaps | Where-Object Name -EQ $seed.Name
            $ours.Key | Should -Be $seed.Key -Because "$($seed.Name)'s key"
            $ours.Value | Should -Be $seed.Value -Because "$($seed.Name)'s value"
            $ours.Pinned | Should -Be $seed.Pinned -Because "$($seed.Name) is pinned by name in the seed or not"
        }
    }

    It 'has a big-endian twin with the same maps and big-endian ELF data' {
        $twin = Join-Path $bpfDir "eb/$($Hook)_$Program.o"
        Get-ElfByteOrder $twin | Should -Be 'big'
        Get-ElfByteOrder (Join-Path $bpfDir "$($Hook)_$Program.o") | Should -Be 'little'
        (@(Get-MapLayouts $twin) | ConvertTo-Json -Compress) | Should -Be ($ourMaps | ConvertTo-Json -Compress)
    }
}

Describe 'Big-endian builds of the built-ins' {
    It 'exist for every built-in object, and llvm-objdump reads them as big-endian BPF' {
        $little = @(Get-ChildItem $bpfDir -Filter *.o -File)
        $little | Should -Not -BeNullOrEmpty
        foreach ($o in $little) {
            $twin = Join-Path $bpfDir "eb/$($o.Name)"
            $twin | Should -Exist
            Get-ElfByteOrder $twin | Should -Be 'big' -Because $o.Name
        }
        $header = & llvm-readelf -h (Join-Path $bpfDir 'eb/xdp_router.o') | Out-String
        $LASTEXITCODE | Should -Be 0
        $header | Should -Match 'Data:\s+2''s complement, big endian'
        $header | Should -Match 'Machine:\s+EM_BPF'
        # The code itself differs by byte order (a 16-bit protocol field compares against a swapped constant), so
        # the check is that llvm-objdump decodes the program section of the big-endian build.
        $code = & llvm-objdump -d --section=xdp (Join-Path $bpfDir 'eb/xdp_router.o') | Out-String
        $LASTEXITCODE | Should -Be 0
        $code | Should -Match 'file format elf64-bpf'
        $code | Should -Match '<router>:'
        $code | Should -Match 'exit'
    }

    It 'are not offered as built-ins: Import-BpfObject lists only the little-endian objects' {
        $e = { Import-BpfObject -Program no_such_builtin -Hook Xdp -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'BuiltinProgramNotFound,*'
        $listed = ($e.Exception.Message -replace '^.*Available: ', '' -replace '\.$', '') -split ', '
        $xdpNames = @(Get-ChildItem $bpfDir -Filter xdp_*.o -File | ForEach-Object { $_.BaseName.Substring(4) } | Sort-Object)
        @($listed | Sort-Object) | Should -Be $xdpNames
    }
}

Describe 'router_map in the seed''s encoding' {
    It 'caches a forwarded flow''s route in rt_map as the seed''s rout_val (action 3 redirect, egress ifindex, MACs)' {
        $net = New-BpfTestNetwork -Topology Routed
        try {
            $ra = $net['RouterA']
            $p = New-BpfTestPacket -Udp -Source $net['ClientA'].Address -Destination $net['ClientB'].Address -DestinationMac $ra.Mac
            $pins = New-ScratchPinPath
            $r = Invoke-BpfProgramTest -Program router_map -Packet $p -Repeat 3 -IngressInterface $ra.Interface `
                -NetNamespace $ra.NetNamespace -PinPath $pins
            $r.Verdict | Should -Be 'XDP_REDIRECT'
            $prog = Invoke-Json bpftool -j prog show pinned "$pins/router_map"
            $rtMap = $prog.map_ids | ForEach-Object { Invoke-Json bpftool -j map show id $_ } | Where-Object name -EQ rt_map
            $entries = @(Invoke-Json bpftool -j map dump id $rtMap.id)
            $entries.Count | Should -Be 1
            $links = @(Invoke-Json ip -n $ra.NetNamespace -j link show)
            $in = ($links | Where-Object ifname -EQ $ra.Interface).ifindex
            $out = $links | Where-Object ifname -EQ 'veth-rb'
            $key = $entries[0].formatted.key; $value = $entries[0].formatted.value
            $key.ifindex | Should -Be $in
            $key.src_ip | Should -Be ([BitConverter]::ToUInt32(([ipaddress]$net['ClientA'].Address).GetAddressBytes(), 0))
            $key.dst_ip | Should -Be ([BitConverter]::ToUInt32(([ipaddress]$net['ClientB'].Address).GetAddressBytes(), 0))
            $value.action | Should -Be 3
            $value.ifindex | Should -Be $out.ifindex
            (@($value.src_mac | ForEach-Object { '{0:x2}' -f [int]$_ }) -join ':') | Should -Be $out.address
            (@($value.dst_mac | ForEach-Object { '{0:x2}' -f [int]$_ }) -join ':') | Should -Be $net['ClientB'].Mac.ToString().ToLowerInvariant()
            (Get-FlowCounters "$pins/rout_stats" $net['ClientA'].Address $net['ClientB'].Address).Packets | Should -Be 3
        }
        finally { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    }
}
