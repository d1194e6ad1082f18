# Maps made before any program (bpftool map create), cross-checked with `bpftool -j -f map show` and read and
# written from both sides; programs loaded later take the map over by its pin.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:suffix = [guid]::NewGuid().ToString('N').Substring(0, 6)
}

AfterAll {
    Remove-ScratchState
}

Describe 'New-BpfMap' {
    BeforeEach { $script:dir = New-ScratchPinPath 'ebpfps-k4-map' }
    AfterEach { Remove-ScratchState }

    It 'makes a <Type> map (flags <Flags>) as bpftool map show describes it, pinned where asked' -ForEach @(
        @{ Type = 'hash'; Key = 4; Value = 8; Entries = 1024; Flags = 0 }
        @{ Type = 'hash'; Key = 16; Value = 16; Entries = 64; Flags = 1 }
        @{ Type = 'array'; Key = 4; Value = 24; Entries = 8; Flags = 0 }
        @{ Type = 'lru_percpu_hash'; Key = 8; Value = 8; Entries = 128; Flags = 0 }
        @{ Type = 'queue'; Key = 0; Value = 4; Entries = 16; Flags = 0 }
    ) {
        $name = "k4_$suffix"
        $map = New-BpfMap -LiteralPath "$dir/m" -Name $name -Type $Type -KeySize $Key -ValueSize $Value -MaxEntries $Entries -Flags $Flags
        $theirs = Invoke-Json bpftool -j -f map show id $map.Id
        ($theirs.name, $theirs.type, $theirs.bytes_key, $theirs.bytes_value, $theirs.max_entries, $theirs.flags) |
            Should -Be @($name, $Type, $Key, $Value, $Entries, $Flags)
        @($theirs.pinned) | Should -Be @("$dir/m")
        ($map.Name, $map.Type, $map.KeySize, $map.ValueSize, $map.MaxEntries, $map.Flags, $map.PinnedPath) |
            Should -Be @($name, $Type, $Key, $Value, $Entries, $Flags, "$dir/m")
        $map.pstypenames | Should -Contain 'EbpfPs.BpfMapInfo'
        (Get-BpfMap -LiteralPath "$dir/m").Id | Should -Be $map.Id
    }

    It 'holds entries Set-BpfMapEntry and bpftool write, read by both' {
        $map = New-BpfMap -Path "$dir/blocklist" -Name "k4_bl_$suffix" -Type hash -KeySize 4 -ValueSize 8 -MaxEntries 256
        Set-BpfMapEntry -Id $map.Id -Key 7 -Value 1500
        $theirs = Invoke-Json bpftool -j map lookup pinned "$dir/blocklist" key 7 0 0 0
        [BitConverter]::ToUInt64([byte[]]@($theirs.value | ForEach-Object { [Convert]::ToByte($_, 16) }), 0) | Should -Be 1500
        & bpftool map update pinned "$dir/blocklist" key 9 0 0 0 value 3 0 0 0 0 0 0 0
        $LASTEXITCODE | Should -Be 0
        $entries = @(Get-BpfMapEntry -LiteralPath "$dir/blocklist" | Sort-Object { $_.Key })
        $entries.Count | Should -Be 2
        (Get-BpfMapEntry -LiteralPath "$dir/blocklist" -Key 9).Value | Should -Be 3
    }

    It 'is taken over by a program loaded later with -PinPath, entries and all' {
        $map = New-BpfMap -LiteralPath "$dir/blocked_ips" -Name blocked_ips -Type hash -KeySize 4 -ValueSize 8 -MaxEntries 256
        Set-BpfMapEntry -Id $map.Id -Key 0x0a0012c6 -Value 1
        $obj = Import-BpfObject -LiteralPath (Build-TestBpfObject ip_blocklist) -PinPath $dir
        try {
            ($obj.Maps | Where-Object Name -EQ blocked_ips).Id | Should -Be $map.Id
            $programMaps = (Invoke-Json bpftool -j prog show id $obj.Programs[0].Id).map_ids
            $programMaps | Should -Contain $map.Id
            @(Get-BpfMapEntry -InputObject $obj -MapName blocked_ips).Count | Should -Be 1
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'checks the name, type and path before the kernel is asked, and makes nothing: <Case>' -ForEach @(
        @{ Case = 'a name too long'; Id = 'MapNameInvalid'; Name = 'k4_name_longer_than_15'; Type = 'hash'; At = 'm' }
        @{ Case = 'a name with a space'; Id = 'MapNameInvalid'; Name = 'k4 bad'; Type = 'hash'; At = 'm' }
        @{ Case = 'an unknown type'; Id = 'MapTypeUnknown'; Name = 'k4_t'; Type = 'hashy'; At = 'm' }
        @{ Case = 'a path off bpffs'; Id = 'PinPathNotOnBpfFs'; Name = 'k4_t'; Type = 'hash'; At = '/tmp' }
    ) {
        $before = Get-KernelSnapshot
        $path = if ($At -eq '/tmp') { "/tmp/ebpfps-k4-$PID-m" } else { "$dir/sub/$At" }
        $e = Get-Error { New-BpfMap -LiteralPath $path -Name $Name -Type $Type -KeySize 4 -ValueSize 8 -MaxEntries 4 }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path $path | Should -BeFalse
        Test-Path $dir | Should -BeFalse
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty -Because 'no map was made (maps of that name may be another session''s)'
    }

    It 'passes the kernel''s refusal on with its errno, and makes no map, pin or folder' {
        $e = Get-Error { New-BpfMap -LiteralPath "$dir/a/b" -Name "k4_q_$suffix" -Type queue -KeySize 4 -ValueSize 4 -MaxEntries 4 }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $e.Exception.Message | Should -Match 'errno 22'
        Test-Path $dir | Should -BeFalse
        @(Invoke-Json bpftool -j map show | Where-Object name -EQ "k4_q_$suffix") | Should -BeNullOrEmpty
    }

    It 'completes -Type with the map types libbpf names' {
        $offered = Get-Completion 'New-BpfMap -Type lru_'
        $offered | Should -Contain 'lru_hash'
        $offered | Should -Contain 'lru_percpu_hash'
        $offered | Should -Not -Contain 'hash'
        Get-Completion 'New-BpfMap -Type ' | Should -Contain 'ringbuf'
    }

    It 'refuses a path already pinned, and -WhatIf makes nothing' {
        $first = New-BpfMap -LiteralPath "$dir/m" -Name "k4_a_$suffix" -Type array -KeySize 4 -ValueSize 4 -MaxEntries 1
        $e = Get-Error { New-BpfMap -LiteralPath "$dir/m" -Name "k4_b_$suffix" -Type array -KeySize 4 -ValueSize 4 -MaxEntries 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinExists,*'
        (Invoke-Json bpftool -j map show pinned "$dir/m").id | Should -Be $first.Id
        New-BpfMap -LiteralPath "$dir/w" -Name "k4_w_$suffix" -Type array -KeySize 4 -ValueSize 4 -MaxEntries 1 -WhatIf
        Test-Path "$dir/w" | Should -BeFalse
        @(Invoke-Json bpftool -j map show | Where-Object name -EQ "k4_w_$suffix") | Should -BeNullOrEmpty
    }
}
