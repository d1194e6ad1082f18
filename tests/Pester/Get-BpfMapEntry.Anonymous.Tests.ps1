# Anonymous structs and unions (Katran's vip_definition): their members are fields of the struct around them
# on read and on write, as C code spells them; checked byte for byte against bpftool.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject vip)
    $script:map = $obj.Maps | Where-Object Name -EQ vip_map
    function ConvertTo-HexArgs([byte[]] $Bytes) { $Bytes | ForEach-Object { '0x{0:x2}' -f $_ } }
    function Get-BpftoolLookup([byte[]] $Key) {
        # bpftool names every anonymous member "" (twice in one object here): JsonDocument reads that as it is.
        $text = & bpftool -j map lookup id $map.Id key hex @($Key | ForEach-Object { '{0:x2}' -f $_ })
        if ($LASTEXITCODE -ne 0) { throw "bpftool map lookup failed: $text" }
        [System.Text.Json.JsonDocument]::Parse(($text -join '')).RootElement
    }
    function Get-BpftoolBytes([byte[]] $Key) {
        [byte[]]@((Get-BpftoolLookup $Key).GetProperty('value').EnumerateArray() | ForEach-Object { [Convert]::ToByte($_.GetString(), 16) })
    }
    # key: vip (or vipv6) 16 bytes, port (host order), proto, one byte of padding
    $script:key4 = [byte[]](@(198, 18, 0, 10) + @(0) * 12 + @(80, 0, 6, 0))
    $script:key6 = [byte[]](([ipaddress]'2001:db8::10').GetAddressBytes() + @(187, 1, 17, 0))
    # value: packets, bytes (u64), flags (u32: flags_lo, flags_hi), vip_num
    $script:value = [byte[]]([BitConverter]::GetBytes([uint64]5) + [BitConverter]::GetBytes([uint64]700) +
        [BitConverter]::GetBytes([uint16]1) + [BitConverter]::GetBytes([uint16]2) + [BitConverter]::GetBytes([uint32]3))
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Anonymous struct and union members' {
    It 'takes the C spelling on write: the bytes are what bpftool reads' {
        Set-BpfMapEntry -InputObject $map -Key @{ vip = '198.18.0.10'; port = 80; proto = 6 } -Value @{
            packets = 5; bytes = 700; flags_lo = 1; flags_hi = 2; vip_num = 3 }
        Get-BpftoolBytes $key4 | Should -Be $value
        $formatted = (Get-BpftoolLookup $key4).GetProperty('formatted').GetProperty('key')
        $formatted.GetProperty('port').GetInt32() | Should -Be 80
        $formatted.GetProperty('proto').GetInt32() | Should -Be 6
        # bpftool names the anonymous union "" and prints the __be32 as the number of its bytes in host order.
        $formatted.GetProperty('').GetProperty('vip').GetUInt32() | Should -Be ([BitConverter]::ToUInt32([byte[]](198, 18, 0, 10), 0))
    }

    It 'reads what bpftool wrote with the members in the parent, and an IPv6 address for four __be32 words' {
        & bpftool map update id $map.Id key hex @($key6 | ForEach-Object { '{0:x2}' -f $_ }) value hex @($value | ForEach-Object { '{0:x2}' -f $_ })
        $LASTEXITCODE | Should -Be 0
        $e = Get-BpfMapEntry -InputObject $map | Where-Object { $_.Key.port -eq 443 }
        $e.Key.vipv6 | Should -Be '2001:db8::10'
        $e.Key.proto | Should -Be 17
        @($e.Key.Keys) | Should -Be @('vip', 'vipv6', 'port', 'proto')
        @($e.Value.Keys) | Should -Be @('packets', 'bytes', 'flags', 'flags_lo', 'flags_hi', 'vip_num')
        $e.Value.packets | Should -Be 5
        $e.Value.bytes | Should -Be 700
        $e.Value.flags | Should -Be 0x20001
        $e.Value.flags_hi | Should -Be 2
        $e.Value.vip_num | Should -Be 3
    }

    It 'round-trips: Get -> Set writes the same bytes' {
        foreach ($e in Get-BpfMapEntry -InputObject $map) {
            Remove-BpfMapEntry -InputObject $map -Key $e.Key
            Set-BpfMapEntry -InputObject $map -Key $e.Key -Value $e.Value
        }
        Get-BpftoolBytes $key4 | Should -Be $value
        Get-BpftoolBytes $key6 | Should -Be $value
        (Get-BpfMapEntry -InputObject $map | Measure-Object).Count | Should -Be 2
    }

    It 'names the fields there are when one is unknown' {
        $e = Get-Error { Set-BpfMapEntry -InputObject $map -Key @{ vip = '198.18.0.1'; port = 1; proto = 6; _0 = 1 } -Value $value }
        $e.FullyQualifiedErrorId | Should -BeLike 'UnknownField,*'
        $e.Exception.Message | Should -BeLike '*vipv6*'
    }
}
