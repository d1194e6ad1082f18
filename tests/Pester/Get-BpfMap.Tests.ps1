BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    # A map with no BTF, made by bpftool, and a BTF-typed one that comes with a bpftool-loaded program.
    $script:rawPin = New-ScratchPinPath 'ebpfps-rawmap'
    & bpftool map create $rawPin type hash key 8 value 16 entries 64 name ebpfps_raw
    if ($LASTEXITCODE -ne 0) { throw 'bpftool map create failed' }
    $script:raw = Invoke-Json bpftool -j map show pinned $rawPin
    $script:progPin = New-ScratchPinPath
    $script:mapDir = New-ScratchPinPath 'ebpfps-maps'
    $null = New-Item -ItemType Directory $mapDir
    & bpftool prog load (Build-TestBpfObject tiny_xdp) $progPin type xdp pinmaps $mapDir
    if ($LASTEXITCODE -ne 0) { throw 'bpftool prog load failed' }
    $script:typed = Invoke-Json bpftool -j map show pinned "$mapDir/tiny_hits"
}

AfterAll { Remove-ScratchState }

Describe 'Get-BpfMap' {
    It 'agrees with bpftool map show on every map in the kernel' {
        $theirs = Invoke-Json bpftool -j map show
        $ours = @(Get-BpfMap)
        $common = @($theirs | Where-Object { $_.id -in $ours.Id })
        $common.Count | Should -BeGreaterOrEqual ([Math]::Min($theirs.Count, $ours.Count) - 2)
        foreach ($t in $common) {
            $o = $ours | Where-Object Id -EQ $t.id
            $o.Type | Should -Be $t.type -Because "map $($t.id)"
            $name = if ($t.PSObject.Properties['name']) { $t.name } else { '' }
            $o.Name | Should -Be $name
            $o.KeySize | Should -Be $t.bytes_key
            $o.ValueSize | Should -Be $t.bytes_value
            $o.MaxEntries | Should -Be $t.max_entries
            $o.Flags | Should -Be $t.flags
            $o.MemlockBytes | Should -Be $t.bytes_memlock
        }
    }

    It 'opens a pinned map without BTF by -Path and -LiteralPath' {
        $m = Get-BpfMap -LiteralPath $rawPin
        $m.Id | Should -Be $raw.id
        $m.Name | Should -Be 'ebpfps_raw'
        $m.Type | Should -Be 'hash'
        $m.KeySize | Should -Be 8
        $m.ValueSize | Should -Be 16
        $m.BtfId | Should -Be 0
        $m.KeyType | Should -BeNullOrEmpty
        $m.PinnedPath | Should -Be $rawPin
        (Get-BpfMap -Path ($rawPin -replace 'rawmap', 'rawma?')).Id | Should -Be $raw.id
    }

    It 'names key and value types from BTF' {
        $m = Get-BpfMap -Id $typed.id
        $m.BtfId | Should -Be $typed.btf_id
        $m.KeyType | Should -Be '__u32'
        $m.ValueType | Should -Be '__u64'
    }

    It 'filters by wildcard name' {
        @(Get-BpfMap -Name 'ebpfps_r*').Id | Should -Contain $raw.id
        @(Get-BpfMap -Name 'tiny_hits').Id | Should -Be @($typed.id)
    }

    It 'reports a missing pin as ObjectNotFound' {
        $err = $null
        Get-BpfMap -LiteralPath /sys/fs/bpf/ebpfps-no-such-map -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PinnedObjectNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Get-BpfMap and the map cmdlets on a path that is no map' {
    It 'a program pin is WrongPinnedObjectType, as bpftool says "incorrect object type", never the program''s id read as a map' {
        $theirs = & bpftool map show pinned $progPin 2>&1
        "$theirs" | Should -Match 'incorrect object type: prog'
        foreach ($cmd in { Get-BpfMap -LiteralPath $progPin }, { Get-BpfMapEntry -LiteralPath $progPin },
            { Set-BpfMapEntry -LiteralPath $progPin -Key 0 -Value 0 }, { Watch-BpfMap -LiteralPath $progPin -Count 1 }) {
            $e = Get-Error $cmd
            $e.FullyQualifiedErrorId | Should -BeLike 'WrongPinnedObjectType,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.Exception.Message | Should -Match 'is a pinned BPF program, not a BPF map'
        }
    }

    It 'a folder on bpffs is WrongPinnedObjectType too' {
        (Get-Error { Get-BpfMapEntry -LiteralPath $mapDir }).FullyQualifiedErrorId | Should -BeLike 'WrongPinnedObjectType,*'
    }

    It 'a file off bpffs (/etc/passwd) is PinPathNotOnBpfFs, not "run as root"' {
        foreach ($cmd in { Get-BpfMap -LiteralPath /etc/passwd }, { Get-BpfMapEntry -LiteralPath /etc/passwd },
            { Clear-BpfMap -LiteralPath /etc/passwd -Confirm:$false }) {
            $e = Get-Error $cmd
            $e.FullyQualifiedErrorId | Should -BeLike 'PinPathNotOnBpfFs,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.ErrorDetails.RecommendedAction | Should -Not -Match 'root'
        }
    }
}
