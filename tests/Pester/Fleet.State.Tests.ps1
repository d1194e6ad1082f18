# Desired state over a fleet, the way docs/help/Set-BpfState.md and the README show it: sessions opened once, one
# Invoke-Command -ThrottleLimit of Set-BpfState over all of them, every result and every error naming its host.
# Two routers keep CI short; bench/Bench.Fleet.ps1 times 1, 4 and 16. Everything is removed at the end.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:fleet = New-BpfTestNetwork -Name "h3-fs-$([guid]::NewGuid().ToString('N').Substring(0, 8))" -Topology Fleet -Count 2
    $script:sessions = @(New-PSSession -HostName $fleet.Hosts.HostName -UserName $fleet.UserName `
            -KeyFilePath $fleet.KeyFilePath -Options $fleet.SshOptions)
    # The build under test, by its path (the routers see this file system): an installed copy may be another build.
    $script:modulePath = (Get-Module EbpfPs).Path
    Invoke-Command -Session $sessions { Import-Module $using:modulePath } -ErrorAction Stop
    $script:statePath = New-StateFile @'
@{
    Programs = @(
        @{ Name = 'router'; Object = 'router'; Hook = 'XdpNative'; Interfaces = 'veth-ra', 'veth-rb' }
    )
    Maps = @(
        @{ Path = '/sys/fs/bpf/rout_stats' }
    )
}
'@ -Name 'router.psd1'

    function Assert-Converged([object[]] $Hosts) {
        # ip in each router's namespace and bpftool agree: the router program at native XDP on both interfaces.
        foreach ($h in $Hosts) {
            foreach ($dev in 'veth-ra', 'veth-rb') {
                $ip = Get-IpXdp $h.NetNamespace $dev
                $ip.Mode | Should -Be 'Native' -Because "$($h.Name) $dev"
                (Invoke-Json bpftool -j prog show id $ip.ProgramId).name | Should -Be 'router'
            }
        }
    }
}

AfterAll {
    if ($sessions) { Remove-PSSession $sessions -ErrorAction SilentlyContinue }
    if ($fleet -and (Get-BpfTestNetwork | Where-Object Name -EQ $fleet.Name)) { Remove-BpfTestNetwork $fleet.Name -Confirm:$false }
}

Describe 'Set-BpfState over a fleet: one Invoke-Command over its sessions' {
    It 'converges every host, each change naming its host; a second run and Test-BpfState find nothing' {
        $changes = @(Invoke-Command -Session $sessions -ThrottleLimit 16 { Set-BpfState -Path $using:statePath })
        $changes.Count | Should -Be 6 # per router: two attachments and the pin
        @($changes | Where-Object Applied -NE $true) | Should -BeNullOrEmpty
        $perHost = @($changes | Group-Object PSComputerName | Sort-Object Name)
        @($perHost.Name) | Should -Be @($fleet.Hosts.HostName | Sort-Object)
        foreach ($g in $perHost) { $g.Count | Should -Be 3 }
        $changes[0].pstypenames[0] | Should -Be 'Deserialized.EbpfPs.BpfStateDifference'
        Assert-Converged $fleet.Hosts
        @(Invoke-Command -Session $sessions -ThrottleLimit 16 { Set-BpfState -Path $using:statePath }) | Should -BeNullOrEmpty
        @(Invoke-Command -Session $sessions -ThrottleLimit 16 { Test-BpfState -Path $using:statePath }) | Should -BeNullOrEmpty
    }

    It 'takes the state as data (-State $using:state) for hosts that do not share the file, and repairs only the host that drifted' {
        $h = $fleet.Hosts[0]
        & ip -n $h.NetNamespace link set dev veth-ra xdp off
        $state = Import-PowerShellDataFile -LiteralPath $statePath
        $fixed = @(Invoke-Command -Session $sessions -ThrottleLimit 16 { Set-BpfState -State $using:state })
        $fixed.Count | Should -Be 1
        $fixed[0].PSComputerName | Should -Be $h.HostName
        $fixed[0].Target | Should -Be 'veth-ra'
        $fixed[0].Applied | Should -BeTrue
        Assert-Converged $fleet.Hosts
        # The same instance went back: the router keeps one set of maps.
        (Get-IpXdp $h.NetNamespace veth-ra).ProgramId | Should -Be (Get-IpXdp $h.NetNamespace veth-rb).ProgramId
    }

    It 'a host that cannot converge reports its own error by host name while the other converges' {
        $good, $bad = $fleet.Hosts
        & ip -n $good.NetNamespace link set dev veth-rb xdp off
        $before = (Get-IpXdp $bad.NetNamespace veth-ra).ProgramId
        # Without veth-rb the state names an interface the bad router lacks: refused before any change there.
        & ip -n $bad.NetNamespace link del veth-rb
        $changes = @(Invoke-Command -Session $sessions -ThrottleLimit 16 { Set-BpfState -Path $using:statePath } `
                -ErrorVariable failed -ErrorAction SilentlyContinue)
        $changes.Count | Should -Be 1
        $changes[0].PSComputerName | Should -Be $good.HostName
        $failed.Count | Should -Be 1
        $failed[0].OriginInfo.PSComputerName | Should -Be $bad.HostName
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'StateInterfaceNotFound,*'
        Assert-Converged @($good)
        (Get-IpXdp $bad.NetNamespace veth-ra).ProgramId | Should -Be $before -Because 'nothing changed on the host that failed'
    }
}
