# router_firewall with rules and VLANs written through the module: a forbidden interface drops, an
# allowed one forwards, a tagged packet passes only where its VLAN is configured.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:a = $net['ClientA']; $script:b = $net['ClientB']; $script:r = $net['RouterA'].NetNamespace
    $script:snapshot = Get-KernelSnapshot
    $script:example = Join-Path $PSScriptRoot '../../docs/examples/router-firewall.ps1'
    # This kernel has no 802.1Q devices (CONFIG_VLAN_8021Q is off), so tagged frames are crafted and sent raw.
    function Get-XdpDrops([string] $NetNamespace, [string] $Interface) {
        $line = & ip netns exec $NetNamespace ethtool -S $Interface | Select-String 'rx_queue_0_xdp_drops: (\d+)'
        if ($line) { [uint64]$line.Matches[0].Groups[1].Value } else { [uint64]0 }
    }

    function Test-Udp([string[]] $ForwardOn, [string[]] $OutputOn) {
        $rules = @{ 'veth-ra' = @($ForwardOn -eq 'veth-ra' | ForEach-Object { 'forward' }) + @($OutputOn -eq 'veth-ra' | ForEach-Object { 'output' })
                    'veth-rb' = @($ForwardOn -eq 'veth-rb' | ForEach-Object { 'forward' }) + @($OutputOn -eq 'veth-rb' | ForEach-Object { 'output' }) }
        $before = Get-RxPackets $b.NetNamespace $b.Interface
        $udpBefore = Get-UdpArrivals $b.NetNamespace
        $flows = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Rules $rules -Vlans @{ 'veth-ra' = @(20) } -Action {
            Send-UdpDatagrams $a.NetNamespace $b.Address 5001 5 64
        }
        # Every frame B got, and the UDP datagrams among them: the router's own ARP probes reach B whatever the rules.
        [pscustomobject]@{
            Received = (Get-RxPackets $b.NetNamespace $b.Interface) - $before
            UdpReceived = (Get-UdpArrivals $b.NetNamespace) - $udpBefore
            Flows = @($flows)
        }
    }

    function Get-UdpArrivals([string] $NetNamespace) {
        # Datagrams the namespace's UDP took in, to a listener or not (InDatagrams, NoPorts, InErrors).
        $udp = @(& ip netns exec $NetNamespace cat /proc/net/snmp | Where-Object { $_ -like 'Udp:*' })
        $names = $udp[0] -split ' '; $values = $udp[1] -split ' '
        [uint64]$values[[array]::IndexOf($names, 'InDatagrams')] + [uint64]$values[[array]::IndexOf($names, 'NoPorts')] +
            [uint64]$values[[array]::IndexOf($names, 'InErrors')]
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
}

Describe 'router_firewall, configured through the module (docs/examples/router-firewall.ps1)' {
    It 'forwards when the ingress allows forward and the egress allows output, and counts the flow' {
        $t = Test-Udp -ForwardOn 'veth-ra' -OutputOn 'veth-rb'
        $t.Received | Should -BeGreaterOrEqual 5
        $t.UdpReceived | Should -Be 5
        ($t.Flows | Where-Object { $_.Key.src -eq $a.Address -and $_.Key.dst -eq $b.Address }).Value.packets | Should -Be 5
    }

    It 'drops when the ingress interface does not allow forwarding' {
        $t = Test-Udp -ForwardOn @() -OutputOn 'veth-rb'
        $t.UdpReceived | Should -Be 0
        $t.Flows | Should -BeNullOrEmpty
    }

    It 'drops when the egress interface does not allow output' {
        $t = Test-Udp -ForwardOn 'veth-ra' -OutputOn @()
        $t.UdpReceived | Should -Be 0
    }

    It 'takes an object path and a zone list in place of uci, as the seed''s user program did' {
        # The built-in's file stands in for the seed's router_firewall.o: same map names and layouts. Its maps pin by
        # name, in a folder of this test's own (at the bpffs root they would take anyone's maps of those names).
        $pinPath = New-ScratchPinPath 'ebpfps-fw'
        $zones = @(
            @{ Name = 'lan'; Interface = 'veth-ra'; Input = 'ACCEPT'; Output = 'ACCEPT'; Forward = 'ACCEPT' }
            @{ Name = 'wan'; Interface = 'veth-rb'; Input = 'REJECT'; Output = 'ACCEPT'; Forward = 'REJECT' })
        $udpBefore = Get-UdpArrivals $b.NetNamespace
        $flows = @(& $example -Interface veth-ra, veth-rb -NetNamespace $r -Zone $zones -Vlans @{} `
                -ObjectPath (Get-BuiltinObjectPath router_firewall xdp) -PinPath $pinPath -Action {
                Send-UdpDatagrams $a.NetNamespace $b.Address 5001 4 64
            })
        (Get-UdpArrivals $b.NetNamespace) - $udpBefore | Should -Be 4
        ($flows | Where-Object { $_.Key.src -eq $a.Address -and $_.Key.dst -eq $b.Address }).Value.packets | Should -Be 4

        $zones[0].Forward = 'REJECT'
        $udpBefore = Get-UdpArrivals $b.NetNamespace
        $null = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Zone $zones -Vlans @{} `
            -ObjectPath (Get-BuiltinObjectPath router_firewall xdp) -PinPath $pinPath -Action { Send-UdpDatagrams $a.NetNamespace $b.Address 5001 4 64 }
        (Get-UdpArrivals $b.NetNamespace) - $udpBefore | Should -Be 0 -Because 'the lan zone no longer accepts forward'
    }

    It 'passes a VLAN-tagged packet only where its VLAN is configured' {
        $rules = @{ 'veth-ra' = 'input', 'forward'; 'veth-rb' = 'output' }
        $ra = $net['RouterA']
        $frame = New-BpfTestPacket -Udp -VlanId 10 -SourceMac $a.Mac -DestinationMac $ra.Mac -Source 198.18.10.1 -Destination 198.18.10.254
        $drops = @{}
        foreach ($case in @{ Name = 'without'; Vlans = @(20) }, @{ Name = 'with'; Vlans = @(20, 10) }) {
            $null = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Hook XdpNative -Rules $rules -Vlans @{ 'veth-ra' = $case.Vlans } -Action {
                $before = Get-XdpDrops $r 'veth-ra'
                Send-BpfTestPacket -Packet $frame -Interface $a.Interface -NetNamespace $a.NetNamespace -Count 10 | Out-Null
                Start-Sleep -Milliseconds 50
                $drops[$case.Name] = (Get-XdpDrops $r 'veth-ra') - $before
            }
        }
        $drops['without'] | Should -Be 10 -Because 'VLAN 10 is not configured on veth-ra'
        $drops['with'] | Should -Be 0 -Because 'VLAN 10 is configured on veth-ra'
    }

    It 'leaves nothing attached or loaded' {
        (Get-IpXdp $r 'veth-ra').ProgramId | Should -Be 0
        (Get-IpXdp $r 'veth-rb').ProgramId | Should -Be 0
        # Nothing of this run's is loaded, held or pinned (router_firewall programs of other sessions may be).
        Compare-KernelSnapshot -Before $snapshot | Should -BeNullOrEmpty
    }
}
