# Global data: Import-BpfObject -Variable sets .rodata/.data/.bss variables before load, typed by BTF;
# Get-BpfMapEntry reads the section maps by variable name (checked against bpftool's formatted dump and
# against what the program does with them); Set-BpfMapEntry writes .data variables by name; -MaxEntries
# resizes a map before load.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:file = Build-TestBpfObject globals
    $script:packet = New-BpfTestPacket -Udp -Destination 198.18.0.2 -FrameLength 80
    function Get-Section([string] $Suffix) { $obj.Maps | Where-Object Name -like "*$Suffix" }
    function Get-BpftoolSection($Map) {
        # bpftool prints a DATASEC value as { ".data": [ { var: value }, ... ] }.
        $formatted = @(Invoke-Json bpftool -j map dump id $Map.Id)[0].formatted.value
        $vars = @{}
        foreach ($v in $formatted.PSObject.Properties.Value) {
            foreach ($p in $v.PSObject.Properties) { $vars[$p.Name] = $p.Value }
        }
        $vars
    }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Import-BpfObject -Variable and -MaxEntries' {
    BeforeAll {
        $script:obj = Import-BpfObject -LiteralPath $file -MaxEntries @{ sized = 1000 } -Variable @{
            cfg_limit = 500
            cfg_backend = @{ addr = '198.18.0.9'; port = 80; mac = '02:00:00:00:00:09' }
            cfg_gw_addr = '198.18.0.1'
            drop_below = 100
        }
    }

    It 'sets .rodata before load: Get-BpfMapEntry reads each variable by name, as bpftool does' {
        $entry = Get-BpfMapEntry -InputObject (Get-Section .rodata)
        @($entry).Count | Should -Be 1
        $entry.Key | Should -Be 0
        $entry.Value.cfg_limit | Should -Be 500
        $entry.Value.cfg_backend.addr | Should -Be '198.18.0.9'
        $entry.Value.cfg_backend.port | Should -Be 80
        $entry.Value.cfg_backend.mac | Should -Be '02:00:00:00:00:09'
        $entry.Value.cfg_gw_addr | Should -Be '198.18.0.1'
        $theirs = Get-BpftoolSection (Get-Section .rodata)
        $theirs.cfg_limit | Should -Be 500
        $theirs.cfg_backend.port | Should -Be 80
        @($theirs.cfg_backend.mac) | Should -Be @(2, 0, 0, 0, 0, 9)
        # bpftool prints a __be32 as the number its bytes make in host order.
        $theirs.cfg_gw_addr | Should -Be ([BitConverter]::ToUInt32(([ipaddress]'198.18.0.1').GetAddressBytes(), 0))
    }

    It 'is what the program sees, and Set-BpfMapEntry changes a .data variable by name, leaving the others' {
        (Invoke-BpfProgramTest -Program $obj.Programs[0] -Packet $packet).Verdict | Should -Be XDP_DROP
        Set-BpfMapEntry -InputObject (Get-Section .data) -Key 0 -Value @{ drop_below = 10 }
        (Invoke-BpfProgramTest -Program $obj.Programs[0] -Packet $packet).Verdict | Should -Be XDP_TX
        $data = (Get-BpfMapEntry -InputObject $obj -MapName .data).Value  # the section names its map
        $data.drop_below | Should -Be 10
        @($data.tag) | Should -Be @(1, 2, 3, 4)
        (Get-BpftoolSection (Get-Section .data)).drop_below | Should -Be 10
        (Get-BpfMapEntry -InputObject (Get-Section .bss)).Value.seen_packets | Should -Be 2
        (Get-BpftoolSection (Get-Section .bss)).seen_packets | Should -Be 2
    }

    It 'round-trips a section: what Get returns, Set takes back' {
        $before = (Invoke-Json bpftool -j map dump id (Get-Section .data).Id)[0].value
        $entry = Get-BpfMapEntry -InputObject (Get-Section .data)
        Set-BpfMapEntry -InputObject (Get-Section .data) -Key $entry.Key -Value $entry.Value
        (Invoke-Json bpftool -j map dump id (Get-Section .data).Id)[0].value | Should -Be $before
    }

    It 'refuses to write .rodata after load, pointing at -Variable' {
        $e = Get-Error { Set-BpfMapEntry -InputObject (Get-Section .rodata) -Key 0 -Value @{ cfg_limit = 1 } }
        $e.FullyQualifiedErrorId | Should -BeLike 'GlobalVariableReadOnly,*'
        $e.Exception.Message | Should -BeLike '*-Variable*'
        (Get-BpfMapEntry -InputObject (Get-Section .rodata)).Value.cfg_limit | Should -Be 500
    }

    It 'resizes a map before load (bpftool agrees)' {
        $sized = $obj.Maps | Where-Object Name -EQ sized
        $sized.Info.MaxEntries | Should -Be 1000
        (Invoke-Json bpftool -j map show id $sized.Id).max_entries | Should -Be 1000
    }
}

Describe 'Import-BpfObject -Variable and -MaxEntries refuse bad input before load' {
    It 'names the variable: <Case>' -ForEach @(
        @{ Case = 'unknown name'; Variable = @{ cfg_nosuch = 1 }; Id = 'GlobalVariableNotFound'; Text = '*cfg_nosuch*cfg_limit*' }
        @{ Case = 'not a number'; Variable = @{ cfg_limit = 'many' }; Id = 'WrongShape'; Text = "*variable 'cfg_limit'*" }
        @{ Case = 'too large'; Variable = @{ cfg_limit = 5000000000 }; Id = 'ValueOutOfRange'; Text = "*variable 'cfg_limit'*" }
        @{ Case = 'missing field'; Variable = @{ cfg_backend = @{ port = 80 } }; Id = 'MissingField'; Text = "*variable 'cfg_backend'*addr*" }
    ) {
        $before = Get-KernelSnapshot
        $e = Get-Error { Import-BpfObject -LiteralPath $file -Variable $Variable }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.Exception.Message | Should -BeLike $Text
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty -Because 'nothing was loaded'
    }

    It 'names the map: <Case>' -ForEach @(
        @{ Case = 'unknown map'; Sizes = @{ nosuch = 10 }; Id = 'BpfMapNotInObject'; Text = '*nosuch*sized*' }
        @{ Case = 'zero'; Sizes = @{ sized = 0 }; Id = 'InvalidMaxEntries'; Text = "*'sized'*" }
    ) {
        $e = Get-Error { Import-BpfObject -LiteralPath $file -MaxEntries $Sizes }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.Exception.Message | Should -BeLike $Text
    }
}
