# Set-BpfState: only the differences, all of them or none, and a second run changes nothing.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:clientA = $net.Namespaces[0]
    $script:router = $net.Namespaces[1]
    $script:byName = @('/sys/fs/bpf/rout_stats', '/sys/fs/bpf/rout_stats_map', '/sys/fs/bpf/if_rules_map', '/sys/fs/bpf/if_vlans_map') | Where-Object { -not (Test-Path $_) }

    $script:places = @{ '{R}' = $router; '{A}' = $clientA }

    function Get-Kernel {
        # What ip, tc and bpffs say about every interface the tests touch.
        [pscustomobject]@{
            RouterA  = (Get-IpXdp $router veth-ra).ProgramId
            RouterB  = (Get-IpXdp $router veth-rb).ProgramId
            ClientA  = (Get-IpXdp $clientA veth-a).ProgramId
            Egress   = @(Get-TcFilters $router veth-ra egress).ProgramId -join ','
            Ingress  = @(Get-TcFilters $clientA veth-a ingress).ProgramId -join ','
            Clsact   = Test-Clsact $clientA veth-a
            FwStats  = Test-Path /sys/fs/bpf/rout_stats_map
            FwRules  = Test-Path /sys/fs/bpf/if_rules_map
            RoutStats = Test-Path /sys/fs/bpf/rout_stats
        } | ConvertTo-Json -Compress
    }

    $script:statePath = New-StateFile -Replace $places @'
@{
    Programs = @(
        @{ Name = 'edge'; Object = 'router'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra', 'veth-rb'; NetNamespace = '{R}' }
        @{ Name = 'fw'; Object = 'router_firewall'; Hook = 'TcEgress'; Interfaces = 'veth-ra'; NetNamespace = '{R}' }
    )
    Maps = @(
        @{ Path = '/sys/fs/bpf/rout_stats' }
        @{ Program = 'fw'; Map = 'if_rules_map'; Entries = @( @{ Key = 2; Value = 7 }, @{ Key = 3; Value = 4 } ) }
    )
}
'@
}

AfterAll {
    Remove-BpfTestNetwork $net.Name -Confirm:$false
    foreach ($pin in $byName) { Remove-Item -LiteralPath $pin -ErrorAction SilentlyContinue }
}

Describe 'Set-BpfState' {
    It 'changes nothing with -WhatIf' {
        $before = Get-Kernel
        @(Set-BpfState -Path $statePath -WhatIf) | Should -BeNullOrEmpty
        Get-Kernel | Should -Be $before
    }

    It 'rolls back every change of the run when a later step fails (native XDP on lo), leaving nothing behind' {
        $snapshot = Get-KernelSnapshot
        $before = Get-Kernel
        $failing = New-StateFile -Name 'failing.psd1' -Replace $places @'
@{
    Programs = @(
        @{ Object = 'drop'; Hook = 'XdpGeneric'; Interfaces = 'veth-a'; NetNamespace = '{A}' }
        @{ Name = 'fw'; Object = 'router_firewall'; Hook = 'TcIngress'; Interfaces = 'veth-a'; NetNamespace = '{A}' }
        @{ Name = 'loopback'; Object = 'pass'; Hook = 'XdpNative'; Interfaces = 'lo'; NetNamespace = '{A}' }
    )
    Maps = @( @{ Program = 'fw'; Map = 'if_rules_map'; Entries = @{ Key = 1; Value = 1 } } )
}
'@
        $e = Get-Error { Set-BpfState -Path $failing }
        $e.FullyQualifiedErrorId | Should -Be 'StateNotApplied,EbpfPs.Commands.SetBpfStateCommand'
        "$e" | Should -Match 'lo'
        "$e" | Should -Match 'rolled back'
        $e.Exception.InnerException.ErrorId | Should -Be 'XdpNativeNotSupported'
        Get-Kernel | Should -Be $before
        # Nothing this run loaded, attached or pinned is left (programs other sessions load meanwhile are theirs).
        Compare-KernelSnapshot -Before $snapshot | Should -BeNullOrEmpty
    }

    It 'applies only the differences, and a second run changes nothing' {
        $applied = @(Set-BpfState -Path $statePath)
        $applied.Count | Should -Be 6
        @($applied | Where-Object Applied -NE $true) | Should -BeNullOrEmpty

        $ra = Get-IpXdp $router veth-ra
        $ra.Mode | Should -Be 'Generic'
        (Invoke-Json bpftool -j prog show id $ra.ProgramId).name | Should -Be 'router'
        (Get-IpXdp $router veth-rb).ProgramId | Should -Be $ra.ProgramId
        $filter = @(Get-TcFilters $router veth-ra egress)
        $filter.Count | Should -Be 1
        $prog = Invoke-Json bpftool -j prog show id $filter[0].ProgramId
        $prog.name | Should -Be 'router_firewall'
        $rules = $prog.map_ids | ForEach-Object { Invoke-Json bpftool -j map show id $_ } | Where-Object name -EQ 'if_rules_map'
        (Invoke-Json bpftool -j map lookup id $rules.id key 2 0 0 0).formatted.value | Should -Be 7
        (Invoke-Json bpftool -j map lookup id $rules.id key 3 0 0 0).formatted.value | Should -Be 4
        $routStats = (Invoke-Json bpftool -j map show pinned /sys/fs/bpf/rout_stats).id
        (Invoke-Json bpftool -j prog show id $ra.ProgramId).map_ids | Should -Contain $routStats

        $kernel = Get-Kernel
        @(Set-BpfState -Path $statePath) | Should -BeNullOrEmpty
        Get-Kernel | Should -Be $kernel
    }

    It 'puts back what drifted, with the program instance the other interfaces run' {
        $id = (Get-IpXdp $router veth-ra).ProgramId
        & ip -n $router link set dev veth-rb xdpgeneric off
        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Count | Should -Be 1
        $fixed[0].Target | Should -Be 'veth-rb'
        (Get-IpXdp $router veth-rb).ProgramId | Should -Be $id
    }

    It 'pins the running program''s map again when its pin was removed' {
        Remove-Item /sys/fs/bpf/rout_stats
        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Action | Should -Be 'Pin'
        $pinned = (Invoke-Json bpftool -j map show pinned /sys/fs/bpf/rout_stats).id
        (Invoke-Json bpftool -j prog show id (Get-IpXdp $router veth-ra).ProgramId).map_ids | Should -Contain $pinned
    }

    It 'replaces another program on the XDP hook, in the mode the state asks for' {
        & ip -n $router link set dev veth-rb xdpgeneric off
        $null = Add-XdpProgram -Interface veth-rb -NetNamespace $router -Program drop -Mode Native
        $fixed = @(Set-BpfState -Path $statePath)
        $fixed.Action | Should -Be 'Replace'
        $fixed.Actual | Should -Match '^drop '
        $rb = Get-IpXdp $router veth-rb
        $rb.Mode | Should -Be 'Generic'
        $rb.ProgramId | Should -Be (Get-IpXdp $router veth-ra).ProgramId
    }

    It 'refuses a state with <Case> before changing any interface' -ForEach @(
        @{ Case = 'an unknown program'; Id = 'StateProgramNotFound'
            Text = "@{ Programs = @(`n @{ Object = 'drop'; Hook = 'XdpGeneric'; Interfaces = 'veth-a'; NetNamespace = '{A}' }`n @{ Object = 'nosuch'; Hook = 'XdpGeneric'; Interfaces = 'veth-rb'; NetNamespace = '{R}' }`n) }"
            At = 'line 3 (Programs[1].Object)' }
        @{ Case = 'an unknown interface'; Id = 'StateInterfaceNotFound'
            Text = "@{ Programs = @(`n @{ Object = 'drop'; Hook = 'XdpGeneric'; Interfaces = 'veth-a'; NetNamespace = '{A}' }`n @{ Object = 'pass'; Hook = 'XdpGeneric'; Interfaces = 'veth-zz'; NetNamespace = '{R}' }`n) }"
            At = 'line 3 (Programs[1].Interfaces[0])' }
        @{ Case = 'an unknown map'; Id = 'StateMapNotFound'
            Text = "@{ Programs = @{ Object = 'drop'; Hook = 'XdpGeneric'; Interfaces = 'veth-a'; NetNamespace = '{A}' }`n Maps = @{ Path = '/sys/fs/bpf/ebpfps-nothing-here' } }"
            At = 'line 2 (Maps[0].Path)' }
    ) {
        $before = Get-Kernel
        $e = Get-Error { Set-BpfState -Path (New-StateFile $Text 'bad.psd1' $places) }
        $e.FullyQualifiedErrorId | Should -Be "$Id,EbpfPs.Commands.SetBpfStateCommand"
        "$e" | Should -Match ([regex]::Escape($At))
        Get-Kernel | Should -Be $before
    }
}
