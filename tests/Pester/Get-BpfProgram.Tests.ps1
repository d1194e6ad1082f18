BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    # A program the module did not load: bpftool loads and pins it.
    $script:pin = New-ScratchPinPath
    & bpftool prog load (Build-TestBpfObject tiny_xdp) $pin type xdp
    if ($LASTEXITCODE -ne 0) { throw 'bpftool prog load failed' }
    $script:foreign = Invoke-Json bpftool -j prog show pinned $pin
}

AfterAll { Remove-ScratchState }

Describe 'Get-BpfProgram' {
    It 'agrees with bpftool prog show on every program in the kernel' {
        $theirs = Invoke-Json bpftool -j prog show
        $ours = @(Get-BpfProgram)
        # Programs can come and go while both lists are read; compare the ids both saw.
        $common = @($theirs | Where-Object { $_.id -in $ours.Id })
        $common.Count | Should -BeGreaterOrEqual ([Math]::Min($theirs.Count, $ours.Count) - 2)
        foreach ($t in $common) {
            $o = $ours | Where-Object Id -EQ $t.id
            $o.Type | Should -Be $t.type -Because "program $($t.id)"
            $o.Tag | Should -Be $t.tag -Because "program $($t.id)"
            $name = if ($t.PSObject.Properties['name']) { $t.name } else { '' }
            $o.Name | Should -Be $name -Because "program $($t.id)"
            $o.BtfId | Should -Be $(if ($t.PSObject.Properties['btf_id']) { $t.btf_id } else { 0 })
            @($o.MapIds) | Should -Be @($(if ($t.PSObject.Properties['map_ids']) { $t.map_ids } else { @() }))
            $o.XlatedSize | Should -Be $t.bytes_xlated
            if ($t.PSObject.Properties['bytes_jited']) { $o.JitedSize | Should -Be $t.bytes_jited }
            $o.MemlockBytes | Should -Be $t.bytes_memlock
        }
    }

    It 'includes a program bpftool loaded, with its map' {
        $p = Get-BpfProgram -Id $foreign.id
        $p.Name | Should -Be 'tiny_pass'
        $p.Type | Should -Be 'xdp'
        $p.Tag | Should -Be $foreign.tag
        $p.MapIds | Should -Be @($foreign.map_ids)
        $p.LoadedAt | Should -BeGreaterThan ([datetime]::Now.AddMinutes(-10))
        $p.LoadedAt | Should -BeLessThan ([datetime]::Now.AddMinutes(1))
    }

    It 'filters by wildcard name and by type' {
        @(Get-BpfProgram -Name 'tiny_p*').Id | Should -Contain $foreign.id
        @(Get-BpfProgram -Name 'TINY_PASS').Id | Should -Contain $foreign.id
        @(Get-BpfProgram -Type sched_cls).Id | Should -Not -Contain $foreign.id
        @(Get-BpfProgram -Type xdp) | ForEach-Object Type | Sort-Object -Unique | Should -Be 'xdp'
    }

    It 'takes ids from the pipeline' {
        ([pscustomobject]@{ Id = $foreign.id } | Get-BpfProgram).Tag | Should -Be $foreign.tag
    }

    It 'reports an id that is not loaded as ObjectNotFound' {
        $err = $null
        Get-BpfProgram -Id 4000000000 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BpfProgramNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
