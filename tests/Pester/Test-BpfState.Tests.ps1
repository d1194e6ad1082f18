# Test-BpfState: one object per way the kernel differs from a state file, and nothing changed by looking.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:router = $net.Namespaces[1]
    # Pins the state's programs make by name; removed afterwards unless someone had them before.
    $script:byName = @('/sys/fs/bpf/rout_stats', '/sys/fs/bpf/rout_stats_map', '/sys/fs/bpf/if_rules_map', '/sys/fs/bpf/if_vlans_map') | Where-Object { -not (Test-Path $_) }

    $script:places = @{ '{NS}' = $router }

    $script:statePath = New-StateFile -Replace $places @'
@{
    Programs = @(
        @{ Name = 'edge'; Object = 'router'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra', 'veth-rb'; NetNamespace = '{NS}' }
        @{ Name = 'fw'; Object = 'router_firewall'; Hook = 'TcEgress'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }
    )
    Maps = @(
        @{ Path = '/sys/fs/bpf/rout_stats' }
        @{
            Program = 'fw'; Map = 'if_rules_map'
            Entries = @(
                @{ Key = 2; Value = 7 }
                @{ Key = 3; Value = 4 }
            )
        }
    )
}
'@

    function Get-FirewallRulesMapId {
        # The if_rules_map map of the router_firewall filter on veth-ra egress, as tc and bpftool see it.
        $filter = @(Get-TcFilters $router veth-ra egress)[0]
        $mapIds = (Invoke-Json bpftool -j prog show id $filter.ProgramId).map_ids
        ($mapIds | ForEach-Object { Invoke-Json bpftool -j map show id $_ } | Where-Object name -EQ 'if_rules_map').id
    }
}

AfterAll {
    Remove-BpfTestNetwork $net.Name -Confirm:$false
    foreach ($pin in $byName) { Remove-Item -LiteralPath $pin -ErrorAction SilentlyContinue }
}

Describe 'Test-BpfState' {
    It 'reports one object per difference and changes nothing' {
        $snapshot = Get-KernelSnapshot
        $diff = @(Test-BpfState -Path $statePath)
        $diff.Count | Should -Be 6
        $diff[0].pstypenames[0] | Should -Be 'EbpfPs.BpfStateDifference'
        @($diff | Where-Object { $_.Kind -eq 'Program' -and $_.Item -eq 'edge' }).Target | Should -Be @('veth-ra', 'veth-rb')
        ($diff | Where-Object Item -EQ 'fw').Hook | Should -Be 'TcEgress'
        ($diff | Where-Object Kind -EQ 'Map').Action | Should -Be 'Pin'
        @($diff | Where-Object Kind -EQ 'MapEntry').Target | Should -Be @('fw/if_rules_map[2]', 'fw/if_rules_map[3]')
        ($diff | Where-Object Target -EQ 'veth-rb').Source | Should -Be 'state.psd1 line 3 (Programs[0].Interfaces[1])'
        @($diff.Action | Sort-Object -Unique) | Should -Be @('Attach', 'Pin', 'SetEntry')

        (Get-IpXdp $router veth-ra).Mode | Should -BeNullOrEmpty
        (Get-IpXdp $router veth-rb).Mode | Should -BeNullOrEmpty
        @(Get-TcFilters $router veth-ra egress) | Should -BeNullOrEmpty
        foreach ($pin in $byName) { Test-Path $pin | Should -BeFalse }
        # The programs it loaded to learn their tags are gone again.
        Compare-KernelSnapshot -Before $snapshot | Should -BeNullOrEmpty
    }

    It 'takes the same state as a hashtable (-State), e.g. from $using: inside Invoke-Command' {
        $state = Import-PowerShellDataFile $statePath
        $diff = @(Test-BpfState -State $state)
        $diff.Count | Should -Be 6
        $diff[0].Source | Should -Be 'Programs[0].Interfaces[0]'
    }

    It 'reports nothing once Set-BpfState ran, and exactly the drift after ip, tc and bpftool changed things' {
        $null = Set-BpfState -Path $statePath
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty

        & ip -n $router link set dev veth-rb xdpgeneric off
        $mapId = Get-FirewallRulesMapId
        & bpftool map update id $mapId key 2 0 0 0 value 1

        $diff = @(Test-BpfState -Path $statePath)
        $diff.Count | Should -Be 2
        $xdp = $diff | Where-Object Kind -EQ 'Program'
        $xdp.Target | Should -Be 'veth-rb'
        $xdp.Actual | Should -Be '(none)'
        $entry = $diff | Where-Object Kind -EQ 'MapEntry'
        $entry.Target | Should -Be 'fw/if_rules_map[2]'
        $entry.Actual | Should -Be '1'
        $entry.Expected | Should -Be '7'
        $entry.Source | Should -Be 'state.psd1 line 11 (Maps[1].Entries[0])'

        $null = Set-BpfState -Path $statePath
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        (Invoke-Json bpftool -j map lookup id $mapId key 2 0 0 0).formatted.value | Should -Be 7
    }

    It 'reports a TC filter that is gone, with the entries its new instance will need' {
        & ip netns exec $router tc filter del dev veth-ra egress
        $diff = @(Test-BpfState -Path $statePath)
        $diff.Count | Should -Be 3
        ($diff | Where-Object Kind -EQ 'Program').Hook | Should -Be 'TcEgress'
        @($diff | Where-Object Kind -EQ 'MapEntry').Actual | Should -Be @('(map made by this run)', '(map made by this run)')
        $null = Set-BpfState -Path $statePath
        @(Test-BpfState -Path $statePath) | Should -BeNullOrEmpty
        (Invoke-Json bpftool -j map lookup id (Get-FirewallRulesMapId) key 3 0 0 0).formatted.value | Should -Be 4
    }

    It 'names the key and line of <Case>, with ErrorId <Id>' -ForEach @(
        @{ Case = 'an unknown built-in object'; Id = 'StateProgramNotFound'; At = 'line 2 (Programs[0].Object)'
            Text = "@{`n Programs = @{ Object = 'nosuch'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }`n}" }
        @{ Case = 'a missing object file'; Id = 'StateProgramNotFound'; At = 'line 3 (Programs[0].Object)'
            Text = "@{`n Programs = @{`n  Object = './missing.o'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }`n}" }
        @{ Case = 'a program the object lacks'; Id = 'StateProgramNotFound'; At = '(Programs[0].Program)'
            Text = "@{`n Programs = @{ Object = 'router'; Program = 'nosuch'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }`n}" }
        @{ Case = 'an unknown interface'; Id = 'StateInterfaceNotFound'; At = 'line 4 (Programs[0].Interfaces[1])'
            Text = "@{`n Programs = @(`n  @{ Object = 'router'; Hook = 'XdpGeneric'; NetNamespace = '{NS}'`n   Interfaces = 'veth-ra', 'eth7' }`n )`n}" }
        @{ Case = 'an unknown namespace'; Id = 'StateInterfaceNotFound'; At = 'line 2 (Programs[0].NetNamespace)'
            Text = "@{`n Programs = @{ Object = 'router'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = 'no-such-ns-x' }`n}" }
        @{ Case = 'a map nothing pins'; Id = 'StateMapNotFound'; At = 'line 2 (Maps[0].Path)'
            Text = "@{`n Maps = @{ Path = '/sys/fs/bpf/ebpfps-no-such-map' }`n}" }
        @{ Case = 'a map the program lacks'; Id = 'StateMapNotFound'; At = 'line 3 (Maps[0].Map)'
            Text = "@{`n Programs = @{ Name = 'fw'; Object = 'router_firewall'; Hook = 'TcEgress'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }`n Maps = @{ Program = 'fw'; Map = 'nosuch' }`n}" }
        @{ Case = 'a map of no program entry'; Id = 'StateProgramNotFound'; At = 'line 2 (Maps[0].Program)'
            Text = "@{`n Maps = @{ Program = 'fw'; Map = 'if_rules_map' }`n}" }
        @{ Case = 'an unknown key'; Id = 'InvalidStateFile'; At = 'line 2 (Programs[0].Interface)'
            Text = "@{`n Programs = @{ Object = 'router'; Hook = 'XdpGeneric'; Interface = 'veth-ra' }`n}" }
        @{ Case = 'an unknown hook'; Id = 'InvalidStateFile'; At = 'line 2 (Programs[0].Hook)'
            Text = "@{`n Programs = @{ Object = 'router'; Hook = 'XdpFast'; Interfaces = 'veth-ra' }`n}" }
        @{ Case = 'an entry of the wrong shape'; Id = 'InvalidStateFile'; At = 'line 3 (Maps[0].Entries[0])'
            Text = "@{`n Maps = @{ Path = '/sys/fs/bpf/rout_stats'`n  Entries = @{ Key = @{ src = '198.18.1.1'; nosuch = 1 }; Value = @{ packets = 1; bytes = 1 } } }`n Programs = @{ Object = 'router'; Hook = 'XdpGeneric'; Interfaces = 'veth-ra'; NetNamespace = '{NS}' }`n}" }
        @{ Case = 'code in a data file'; Id = 'InvalidStateFile'; At = 'only constant values'
            Text = "@{ Programs = @{ Object = (Get-Date).ToString(); Hook = 'XdpGeneric'; Interfaces = 'veth-ra' } }" }
    ) {
        $path = New-StateFile $Text 'bad.psd1' $places
        $e = Get-Error { Test-BpfState -Path $path }
        $e.FullyQualifiedErrorId | Should -Be "$Id,EbpfPs.Commands.TestBpfStateCommand"
        "$e" | Should -Match ([regex]::Escape($At))
    }

    It 'says which file is missing' {
        (Get-Error { Test-BpfState -LiteralPath (Join-Path $TestDrive 'none.psd1') }).FullyQualifiedErrorId |
            Should -BeLike 'PathNotFound,*'
    }
}
