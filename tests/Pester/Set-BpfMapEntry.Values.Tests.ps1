# Values by BTF type (issue 19): in maps whose names say nothing, every field of tests/bpf/values.c reads as its type
# says, what Get prints writes back to the same bytes, and what would be a guess is refused with a catalogued error.
# Every check is against bpftool's lookup of the same entry.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject values)
    $script:a = $obj.Maps | Where-Object Name -EQ table_a
    $script:b = $obj.Maps | Where-Object Name -EQ table_b
    $script:c = $obj.Maps | Where-Object Name -EQ table_c
    $script:good = [ordered]@{ a4 = '198.18.0.1'; port = 8080; big = 5; ia = '198.18.0.2'; v6_8 = '2001:db8::1'
        v6_16 = '64:ff9b::'; v6_32 = '::1'; h_source = '02:00:00:00:00:01'; colour = 'BLUE'; level = 'LOW'
        on = $true; lo = 5; mid = 300; hi = 1000000; sb = -3; label = 'hello'; three = @(1, 2, 3) }

    function Get-Theirs([int] $Key) {
        (Invoke-Json bpftool -j map lookup id $a.Id key $Key 0 0 0).formatted.value
    }
    function Get-TheirBytes([int] $Key) {
        [byte[]] @((Invoke-Json bpftool -j map lookup id $a.Id key $Key 0 0 0).value | ForEach-Object { [Convert]::ToByte($_, 16) })
    }
    # bpftool prints numbers as the host reads memory: a big-endian field swapped back is what the module shows.
    function Swap([uint64] $Value, [int] $Size) {
        $bytes = [BitConverter]::GetBytes($Value)[0..($Size - 1)]; [array]::Reverse($bytes)
        $wide = [byte[]]::new(8); [array]::Copy($bytes, $wide, $Size); [BitConverter]::ToUInt64($wide, 0)
    }
    function Ipv4([uint32] $HostRead) { [ipaddress]::new([BitConverter]::GetBytes($HostRead)).ToString() }
    function Ipv6($U8) { [ipaddress]::new([byte[]] @($U8)).ToString() }
    function Bits([string] $Hex, [int] $Width, [switch] $Signed) {
        $v = [Convert]::ToInt64($Hex, 16)
        if ($Signed -and ($v -band (1L -shl ($Width - 1)))) { $v -= (1L -shl $Width) }
        $v
    }
    # What bpftool's lookup says of each field, in the forms the module prints.
    function ConvertFrom-Theirs($t) {
        [ordered]@{ a4 = Ipv4 $t.a4; port = Swap $t.port 2; big = Swap $t.big 8; ia = Ipv4 $t.ia.s_addr
            v6_8 = Ipv6 $t.v6_8.in6_u.u6_addr8; v6_16 = Ipv6 $t.v6_16.in6_u.u6_addr8
            v6_32 = Ipv6 $t.v6_32.in6_u.u6_addr8
            h_source = (@($t.h_source) | ForEach-Object { '{0:x2}' -f $_ }) -join ':'
            colour = $t.colour; level = $t.level; on = $t.on; lo = Bits $t.lo 3; mid = Bits $t.mid 9
            hi = Bits $t.hi 20; sb = Bits $t.sb 5 -Signed; label = $t.label; three = @($t.three) }
    }
    function Assert-Same($Mine, $Theirs) {
        foreach ($k in $Theirs.Keys) { "$k=$($Mine.$k)" | Should -Be "$k=$($Theirs[$k])" }
    }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Values by type: read as their BTF type says, whatever the map is called' {
    BeforeEach { Set-BpfMapEntry -InputObject $a -Key 0 -Value $good }

    It 'every field reads as bpftool''s bytes mean for its type' {
        $mine = (Get-BpfMapEntry -InputObject $a -Key 0).Value
        Assert-Same $mine (ConvertFrom-Theirs (Get-Theirs 0))
        Assert-Same $mine $good
    }

    It 'in6_addr shows one address whichever union view; -NoNetworkFormat shows each view, u6_addr16 in host order' {
        $mine = (Get-BpfMapEntry -InputObject $a -Key 0).Value
        @($mine.v6_8, $mine.v6_16, $mine.v6_32) | Should -Be @('2001:db8::1', '64:ff9b::', '::1')
        $raw = (Get-BpfMapEntry -InputObject $a -Key 0 -NoNetworkFormat).Value
        $theirs = (Get-Theirs 0).v6_8.in6_u
        @($raw.v6_8.in6_u.u6_addr8) | Should -Be @($theirs.u6_addr8)
        @($raw.v6_8.in6_u.u6_addr16) | Should -Be @($theirs.u6_addr16 | ForEach-Object { Swap $_ 2 })
        @($raw.v6_8.in6_u.u6_addr32) | Should -Be @($theirs.u6_addr32 | ForEach-Object { Swap $_ 4 })
        $raw.a4 | Should -Be ([uint32]3323068417) -Because '-NoNetworkFormat is still the off switch'
    }

    It 'what Get prints (with and without the network rule) writes back to the same bytes' {
        $before = Get-TheirBytes 0
        Set-BpfMapEntry -InputObject $a -Key 1 -Value (Get-BpfMapEntry -InputObject $a -Key 0).Value
        Get-TheirBytes 1 | Should -Be $before
        Set-BpfMapEntry -InputObject $a -Key 1 -Value ([byte[]]::new($before.Count))
        Set-BpfMapEntry -InputObject $a -Key 1 -Value (Get-BpfMapEntry -InputObject $a -Key 0 -NoNetworkFormat).Value -NoNetworkFormat
        Get-TheirBytes 1 | Should -Be $before
    }

    It 'a __be32 key reads and writes as an address, an in6_addr key and in_addr value as theirs' {
        Set-BpfMapEntry -InputObject $b -Key '198.18.0.1' -Value 443
        Set-BpfMapEntry -InputObject $c -Key '2001:db8::5' -Value '198.18.0.7'
        try {
            $e = Get-BpfMapEntry -InputObject $b
            $e.Key | Should -Be '198.18.0.1'
            $e.Value | Should -Be 443
            $theirs = (Invoke-Json bpftool -j map dump id $b.Id)[0]
            $theirs.key | Should -Be @('0xc6', '0x12', '0x00', '0x01')
            $theirs.value | Should -Be @('0x01', '0xbb')
            $e = Get-BpfMapEntry -InputObject $c -Key '2001:db8::5'
            $e.Value | Should -Be '198.18.0.7'
            $theirs = (Invoke-Json bpftool -j map dump id $c.Id)[0].formatted
            Ipv6 $theirs.key.in6_u.u6_addr8 | Should -Be '2001:db8::5'
            Ipv4 $theirs.value.s_addr | Should -Be '198.18.0.7'
        }
        finally { Clear-BpfMap -InputObject $b -Confirm:$false; Clear-BpfMap -InputObject $c -Confirm:$false }
    }

    It 'Import-BpfObject -Variable takes the printed forms of in6_addr, in_addr and __be16' {
        $o = Import-BpfObject -LiteralPath (Build-TestBpfObject values) -Variable @{
            cfg = @{ v6_prefix = '64:ff9b::'; gw = '198.18.0.1'; port = 53 } }
        try {
            $cfg = (Get-BpfMapEntry -InputObject $o -MapName .rodata).Value.cfg
            @($cfg.v6_prefix, $cfg.gw, $cfg.port) | Should -Be @('64:ff9b::', '198.18.0.1', 53)
            $rodata = $o.Maps | Where-Object Name -Like '*.rodata'
            $theirs = (Invoke-Json bpftool -j map dump id $rodata.Id)[0].formatted.value.'.rodata'[0].cfg
            Ipv6 $theirs.v6_prefix.in6_u.u6_addr8 | Should -Be '64:ff9b::'
            Ipv4 $theirs.gw.s_addr | Should -Be '198.18.0.1'
            Swap $theirs.port 2 | Should -Be 53
        }
        finally { $o | Remove-BpfObject -Confirm:$false }
    }
}

Describe 'Values by type: what would be a guess is refused with the accepted forms, and nothing is written' {
    BeforeAll { Set-BpfMapEntry -InputObject $a -Key 2 -Value $good; $script:kept = Get-TheirBytes 2 }

    It '<Field> = <Shown> is <Id> naming <Says>' -ForEach @(
        @{ Field = 'colour'; Given = -1; Shown = '-1'; Id = 'ValueOutOfRange'; Says = 'RED, GREEN, BLUE' }
        @{ Field = 'colour'; Given = 4294967296; Shown = '2^32'; Id = 'ValueOutOfRange'; Says = '0\.\.4294967295' }
        @{ Field = 'lo'; Given = 8; Shown = '8'; Id = 'ValueOutOfRange'; Says = '0\.\.7' }
        @{ Field = 'a4'; Given = '1.2.3'; Shown = '1.2.3'; Id = 'InvalidIpAddress'; Says = 'four dotted decimals' }
        @{ Field = 'a4'; Given = '1'; Shown = '1'; Id = 'InvalidIpAddress'; Says = 'four dotted decimals' }
        @{ Field = 'a4'; Given = 'not-an-ip'; Shown = 'not-an-ip'; Id = 'InvalidIpAddress'; Says = '198\.18\.0\.1' }
        @{ Field = 'ia'; Given = '198.18.0.256'; Shown = '198.18.0.256'; Id = 'InvalidIpAddress'; Says = 'dotted' }
        @{ Field = 'v6_16'; Given = 'not-an-ip'; Shown = 'not-an-ip'; Id = 'InvalidIpAddress'; Says = 'IPv6' }
        @{ Field = 'v6_8'; Given = '198.18.0.1'; Shown = '198.18.0.1'; Id = 'InvalidIpAddress'; Says = 'IPv6' }
        @{ Field = 'three'; Given = @(1, 2); Shown = '@(1,2)'; Id = 'WrongSize'; Says = '3 items' }
        @{ Field = 'three'; Given = @(1, 2, 3, 4); Shown = '@(1,2,3,4)'; Id = 'ValueTooLarge'; Says = '3 items' }
        @{ Field = 'on'; Given = 'maybe'; Shown = 'maybe'; Id = 'WrongShape'; Says = 'true, false, 1, 0'; Category = 'InvalidData' }
        @{ Field = 'on'; Given = 2; Shown = '2'; Id = 'WrongShape'; Says = 'true, false, 1, 0'; Category = 'InvalidData' }
        @{ Field = 'h_source'; Given = '02:00'; Shown = '02:00'; Id = 'InvalidMacAddress'; Says = 'MAC' }
    ) {
        $value = [ordered]@{} + $good; $value[$Field] = $Given
        $e = Get-Error { Set-BpfMapEntry -InputObject $a -Key 2 -Value $value }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be $(if ($Category) { $Category } else { 'InvalidArgument' })
        $e.Exception.Message | Should -Match "value\.$Field"
        $e.Exception.Message | Should -Match $Says
        Get-TheirBytes 2 | Should -Be $kept
    }

    It 'a _Bool takes <Given> as <Means>' -ForEach @(
        @{ Given = 'false'; Means = $false }, @{ Given = 'true'; Means = $true }, @{ Given = '0'; Means = $false }
        @{ Given = 1; Means = $true }, @{ Given = $false; Means = $false }
    ) {
        $value = [ordered]@{} + $good; $value.on = $Given
        Set-BpfMapEntry -InputObject $a -Key 3 -Value $value
        (Get-Theirs 3).on | Should -Be $Means
        (Get-BpfMapEntry -InputObject $a -Key 3).Value.on | Should -Be $Means
    }

    It 'a __be32 key given <Given> is InvalidIpAddress, and no entry is made' -ForEach @(
        @{ Given = 'not-an-ip' }, @{ Given = '1.2.3' }, @{ Given = '1' }
    ) {
        $e = Get-Error { Set-BpfMapEntry -InputObject $b -Key $Given -Value 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidIpAddress,*'
        $e.Exception.Message | Should -Match 'four dotted decimals'
        @(Invoke-Json bpftool -j map dump id $b.Id) | Should -BeNullOrEmpty
    }

    It 'Import-BpfObject -Variable refuses an address that is not one, naming the variable' {
        $e = Get-Error { Import-BpfObject -LiteralPath (Build-TestBpfObject values) -Variable @{
            cfg = @{ v6_prefix = 'not-an-ip'; gw = '198.18.0.1'; port = 53 } } }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidIpAddress,*'
        $e.Exception.Message | Should -Match "cfg.*IPv6"
    }
}

Describe 'Values by type, codec property: random values of each BTF kind survive write, bpftool, read' {
    It 'round 1 to 25 (seeded) give the value back, as bpftool reads it' {
        $random = [Random]::new(19)
        $colours = 'RED', 'GREEN', 'BLUE'; $levels = 'LOW', 'MID', 'HIGH'
        for ($round = 1; $round -le 25; $round++) {
            $b4 = [byte[]]::new(4); $random.NextBytes($b4)
            $b16 = [byte[]]::new(16); $random.NextBytes($b16)
            $mac = [byte[]]::new(6); $random.NextBytes($mac)
            $label = -join (1..$random.Next(0, 8) | ForEach-Object { [char]$random.Next(0x21, 0x7f) })
            $value = [ordered]@{ a4 = [ipaddress]::new($b4).ToString(); port = $random.Next(0, 65536)
                big = [uint64]$random.NextInt64(); ia = [ipaddress]::new($b4[3..0]).ToString()
                v6_8 = [ipaddress]::new($b16).ToString(); v6_16 = [ipaddress]::new($b16[15..0]).ToString()
                v6_32 = [ipaddress]::new(($b16[8..15] + $b16[0..7])).ToString()
                h_source = ($mac | ForEach-Object { '{0:x2}' -f $_ }) -join ':'
                colour = $colours[$random.Next(3)]; level = $levels[$random.Next(3)]; on = $random.Next(2) -eq 1
                lo = $random.Next(8); mid = $random.Next(512); hi = $random.Next(1 -shl 20); sb = $random.Next(-16, 16)
                label = $label; three = @($random.Next(256), $random.Next(256), $random.Next(256)) }
            Set-BpfMapEntry -InputObject $a -Key 3 -Value $value
            Assert-Same (ConvertFrom-Theirs (Get-Theirs 3)) $value
            Assert-Same (Get-BpfMapEntry -InputObject $a -Key 3).Value $value
        }
    }
}
