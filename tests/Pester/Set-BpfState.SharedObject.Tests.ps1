# Desired state with a two-program object (tests/bpf/guard.c): the XDP and TC entries of one object file take
# their programs by hook from one load, so one Entries list is in the map both hooks use, also after a repair.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:router = $net.Namespaces[1]
    $script:places = @{ '{R}' = $router }
    Copy-Item (Build-TestBpfObject -Name guard) (Join-Path $TestDrive 'guard.o')
    Copy-Item (Build-TestBpfObject -Name tail_calls) (Join-Path $TestDrive 'tail_calls.o')

    # No Program key: each entry's program is the one guard.o has for its hook.
    $script:statePath = New-StateFile -Replace $places @'
@{
    Programs = @(
        @{ Name = 'guard-in'; Object = 'guard.o'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = '{R}' }
        @{ Name = 'guard-out'; Object = 'guard.o'; Hook = 'TcIngress'; Interfaces = 'veth-rb'; NetNamespace = '{R}' }
    )
    Maps = @(
        @{ Program = 'guard-in'; Map = 'blocked'; Entries = @{ Key = '198.18.0.66'; Value = 1 } }
    )
}
'@

    function Get-Kernel {
        # What ip and tc say is attached to the two interfaces the state names.
        [pscustomobject]@{
            Xdp = (Get-IpXdp $router veth-ra).ProgramId
            Tc  = @(Get-TcFilters $router veth-rb ingress).ProgramId -join ','
        } | ConvertTo-Json -Compress
    }

    function Get-GuardPrograms {
        # The programs on the two hooks, as bpftool shows them.
        $xdp = Invoke-Json bpftool -j prog show id (Get-IpXdp $router veth-ra).ProgramId
        $tc = @(Get-TcFilters $router veth-rb ingress)
        $tc.Count | Should -Be 1
        [pscustomobject]@{ Xdp = $xdp; Tc = Invoke-Json bpftool -j prog show id $tc[0].ProgramId }
    }

    function Get-Verdict([uint32] $ProgramId, [string] $Source) {
        (Invoke-BpfProgramTest -Program $ProgramId -Packet (New-BpfTestPacket -Udp -Source $Source)).Action
    }
}

AfterAll {
    Remove-BpfTestNetwork $net.Name -Confirm:$false
}

Describe 'Desired state with an object that has an XDP and a TC program' {
    It 'plans both hooks and the blocklist entry, and -WhatIf changes nothing' {
        $before = Get-Kernel
        $plan = @(Test-BpfState -Path $statePath)
        $plan.Count | Should -Be 3
        ($plan | Where-Object Target -EQ 'veth-ra').Expected | Should -Match '^guard_xdp [0-9a-f]{16} Generic$'
        ($plan | Where-Object Target -EQ 'veth-rb').Expected | Should -Match '^guard_tc [0-9a-f]{16}$'
        ($plan | Where-Object Kind -EQ 'MapEntry').Actual | Should -Be '(map made by this run)'
        @(Set-BpfState -Path $statePath -WhatIf) | Should -BeNullOrEmpty
        Get-Kernel | Should -Be $before
    }

    It 'attaches guard_xdp and guard_tc on one set of maps, and the blocklist drops at both hooks' {
        $applied = @(Set-BpfState -Path $statePath)
        $applied.Count | Should -Be 3
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty

        $p = Get-GuardPrograms
        $p.Xdp.name | Should -Be 'guard_xdp'
        $p.Tc.name | Should -Be 'guard_tc'
        $p.Xdp.map_ids.Count | Should -Be 3
        @($p.Tc.map_ids | Sort-Object) | Should -Be @($p.Xdp.map_ids | Sort-Object)
        $blocked = $p.Xdp.map_ids | ForEach-Object { Invoke-Json bpftool -j map show id $_ } |
            Where-Object name -EQ 'blocked'
        (Invoke-Json bpftool -j map lookup id $blocked.id key 198 18 0 66).formatted.value | Should -Be 1

        Get-Verdict $p.Xdp.id 198.18.0.66 | Should -Be 'Drop'
        Get-Verdict $p.Tc.id 198.18.0.66 | Should -Be 'Drop'
        Get-Verdict $p.Xdp.id 198.18.0.67 | Should -Be 'Pass'
        Get-Verdict $p.Tc.id 198.18.0.67 | Should -Be 'Pass'
    }

    It 'reports a TC filter deleted with tc, and puts guard_tc back on the maps guard_xdp still uses' {
        $before = Get-GuardPrograms
        & ip netns exec $router tc filter del dev veth-rb ingress
        @(Get-TcFilters $router veth-rb ingress) | Should -BeNullOrEmpty

        $drift = @(Test-BpfState -Path $statePath)
        $drift.Count | Should -Be 1
        $drift[0].Target | Should -Be 'veth-rb'
        $drift[0].Action | Should -Be 'Attach'

        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Count | Should -Be 1
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        $after = Get-GuardPrograms
        $after.Xdp.id | Should -Be $before.Xdp.id
        $after.Tc.id | Should -Not -Be $before.Tc.id
        @($after.Tc.map_ids | Sort-Object) | Should -Be @($before.Xdp.map_ids | Sort-Object)
        Get-Verdict $after.Tc.id 198.18.0.66 | Should -Be 'Drop'
        Get-Verdict $after.Tc.id 198.18.0.67 | Should -Be 'Pass'
    }

    It 'writes a removed blocklist entry back into the one map both hooks use' {
        $p = Get-GuardPrograms
        $blocked = $p.Tc.map_ids | ForEach-Object { Invoke-Json bpftool -j map show id $_ } |
            Where-Object name -EQ 'blocked'
        & bpftool map delete id $blocked.id key 198 18 0 66
        Get-Verdict $p.Tc.id 198.18.0.66 | Should -Be 'Pass'
        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Action | Should -Be 'SetEntry'
        Get-Verdict $p.Tc.id 198.18.0.66 | Should -Be 'Drop'
        Get-Verdict $p.Xdp.id 198.18.0.66 | Should -Be 'Drop'
    }

    It 'reports guard_tc running on maps apart from guard_xdp''s (a load of its own) and moves it onto them' {
        $before = Get-GuardPrograms
        & ip netns exec $router tc filter del dev veth-rb ingress
        # What a state applied per entry left: the TC program of a load of its own, with maps of its own.
        $null = Add-TcProgram -Interface veth-rb -NetNamespace $router -Direction Ingress `
            -Program (Join-Path $TestDrive 'guard.o')
        $apart = @(Get-TcFilters $router veth-rb ingress)[0].ProgramId
        @((Invoke-Json bpftool -j prog show id $apart).map_ids | Sort-Object) |
            Should -Not -Be @($before.Xdp.map_ids | Sort-Object)
        Get-Verdict $apart 198.18.0.66 | Should -Be 'Pass'

        $drift = @(Test-BpfState -Path $statePath)
        $drift.Count | Should -Be 1
        $drift[0].Action | Should -Be 'Replace'
        $drift[0].Target | Should -Be 'veth-rb'
        $drift[0].Actual | Should -Match "\(id $apart\) on maps apart from program $($before.Xdp.id)"

        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Count | Should -Be 1
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        $after = Get-GuardPrograms
        $after.Xdp.id | Should -Be $before.Xdp.id
        $after.Tc.id | Should -Not -Be $apart
        @($after.Tc.map_ids | Sort-Object) | Should -Be @($before.Xdp.map_ids | Sort-Object)
        Wait-ProgramGone $apart | Should -BeTrue
        Get-Verdict $after.Tc.id 198.18.0.66 | Should -Be 'Drop'
    }

    It 'upgrades both hooks in place to a new build of the object, on the maps the old build used' {
        $before = Get-GuardPrograms
        $filter = @(Get-TcFilters $router veth-rb ingress)[0]
        $null = Invoke-BpfProgramTest -Program $before.Xdp.id -Packet (New-BpfTestPacket -Udp -Source 198.18.0.68) -Repeat 5
        # The operator drops the new build where the state file points.
        Copy-Item (Build-TestBpfObject -Name guard -Define 'GUARD_BUILD=2') (Join-Path $TestDrive 'guard.o') -Force

        $drift = @(Test-BpfState -Path $statePath)
        $drift.Count | Should -Be 2
        $drift.Action | Sort-Object -Unique | Should -Be 'Replace'
        @($drift.Target | Sort-Object) | Should -Be @('veth-ra', 'veth-rb')

        $applied = @(Set-BpfState -Path $statePath)
        $applied.Count | Should -Be 2
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        $after = Get-GuardPrograms
        $after.Xdp.tag | Should -Not -Be $before.Xdp.tag
        $after.Tc.tag | Should -Not -Be $before.Tc.tag
        @($after.Xdp.map_ids | Sort-Object) | Should -Be @($before.Xdp.map_ids | Sort-Object)
        @($after.Tc.map_ids | Sort-Object) | Should -Be @($before.Xdp.map_ids | Sort-Object)
        # In place at TC: the one filter kept its priority and handle.
        $now = @(Get-TcFilters $router veth-rb ingress)
        $now.Count | Should -Be 1
        ($now[0].Priority, $now[0].Handle) | Should -Be ($filter.Priority, $filter.Handle)
        Wait-ProgramGone $before.Xdp.id, $before.Tc.id | Should -BeTrue
        $stats = $after.Xdp.map_ids | ForEach-Object { Invoke-Json bpftool -j map show id $_ } |
            Where-Object name -EQ 'src_stats'
        (Invoke-Json bpftool -j map lookup id $stats.id key 198 18 0 68).formatted.value.packets | Should -Be 5
        Get-Verdict $after.Xdp.id 198.18.0.66 | Should -Be 'Drop'
        Get-Verdict $after.Tc.id 198.18.0.66 | Should -Be 'Drop'
    }

    It 'refuses an object with several programs for the hook and no Program key, naming the key, line and programs' {
        $before = Get-Kernel
        $ambiguous = New-StateFile -Name 'ambiguous.psd1' -Replace $places @'
@{
    Programs = @(
        @{ Object = 'tail_calls.o'; Hook = 'XdpGeneric'; Interfaces = 'veth-rb'; NetNamespace = '{R}' }
    )
}
'@
        $errors = (Get-Error { Test-BpfState -Path $ambiguous }), (Get-Error { Set-BpfState -Path $ambiguous -WhatIf })
        foreach ($e in $errors) {
            $e.FullyQualifiedErrorId | Should -Match '^StateProgramNotFound,'
            $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            "$e" | Should -Match ([regex]::Escape('ambiguous.psd1 line 3 (Programs[0].Object)'))
            "$e" | Should -Match 'Programs\[0\]\.Program'
            foreach ($name in 'dispatcher', 'tail_drop', 'tail_tx') { "$e" | Should -Match $name }
        }
        Get-Kernel | Should -Be $before
    }
}
