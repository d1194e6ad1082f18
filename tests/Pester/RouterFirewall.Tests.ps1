# router_firewall with rules and VLANs written through the module: a forbidden interface drops, an
# allowed one forwards, a tagged packet passes only where its VLAN is configured.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:a = $net['ClientA']; $script:b = $net['ClientB']; $script:r = $net['RouterA'].NetNamespace
    $script:example = Join-Path $PSScriptRoot '../../docs/examples/router-firewall.ps1'
    # VLAN 10 between client A and the router, tag kept in the frame (no TX VLAN offload on A).
    & ip netns exec $a.NetNamespace ethtool -K $a.Interface txvlan off
    & ip -n $a.NetNamespace link add link $a.Interface name vlan10 type vlan id 10
    & ip -n $a.NetNamespace addr add 198.18.10.1/24 dev vlan10
    & ip -n $a.NetNamespace link set vlan10 up
    & ip -n $r link add link veth-ra name vlan10 type vlan id 10
    & ip -n $r addr add 198.18.10.254/24 dev vlan10
    & ip -n $r link set vlan10 up

    function Test-Udp([string[]] $ForwardOn, [string[]] $OutputOn) {
        $rules = @{ 'veth-ra' = @($ForwardOn -eq 'veth-ra' | ForEach-Object { 'forward' }) + @($OutputOn -eq 'veth-ra' | ForEach-Object { 'output' })
                    'veth-rb' = @($ForwardOn -eq 'veth-rb' | ForEach-Object { 'forward' }) + @($OutputOn -eq 'veth-rb' | ForEach-Object { 'output' }) }
        $before = Get-RxPackets $b.NetNamespace $b.Interface
        $flows = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Rules $rules -Vlans @{ 'veth-ra' = @(20) } -Action {
            Send-UdpDatagrams $a.NetNamespace $b.Address 5001 5 64
        }
        [pscustomobject]@{ Received = (Get-RxPackets $b.NetNamespace $b.Interface) - $before; Flows = @($flows) }
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
}

Describe 'router_firewall, configured through the module (docs/examples/router-firewall.ps1)' {
    It 'forwards when the ingress allows forward and the egress allows output, and counts the flow' {
        $t = Test-Udp -ForwardOn 'veth-ra' -OutputOn 'veth-rb'
        $t.Received | Should -BeGreaterOrEqual 5
        ($t.Flows | Where-Object { $_.Key.src -eq $a.Address -and $_.Key.dst -eq $b.Address }).Value.packets | Should -Be 5
    }

    It 'drops when the ingress interface does not allow forwarding' {
        $t = Test-Udp -ForwardOn @() -OutputOn 'veth-rb'
        $t.Received | Should -Be 0
        $t.Flows | Should -BeNullOrEmpty
    }

    It 'drops when the egress interface does not allow output' {
        $t = Test-Udp -ForwardOn 'veth-ra' -OutputOn @()
        $t.Received | Should -Be 0
    }

    It 'passes a VLAN-tagged packet only where its VLAN is configured' {
        $rules = @{ 'veth-ra' = 'input', 'forward'; 'veth-rb' = 'output' }
        $ping = @{}
        $without = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Rules $rules -Vlans @{ 'veth-ra' = @(20) } -Action {
            & ip netns exec $a.NetNamespace ping -c 2 -i 0.2 -W 1 198.18.10.254 | Out-Null
            $ping.Blocked = $LASTEXITCODE
        }
        $with = & $example -Interface veth-ra, veth-rb -NetNamespace $r -Rules $rules -Vlans @{ 'veth-ra' = @(20, 10) } -Action {
            & ip netns exec $a.NetNamespace ping -c 2 -i 0.2 -W 1 198.18.10.254 | Out-Null
            $ping.Allowed = $LASTEXITCODE
        }
        $ping.Blocked | Should -Not -Be 0 -Because 'VLAN 10 is not configured on veth-ra'
        $ping.Allowed | Should -Be 0 -Because 'VLAN 10 is configured on veth-ra'
    }

    It 'leaves nothing attached or loaded' {
        (Get-IpXdp $r 'veth-ra').ProgramId | Should -Be 0
        (Get-IpXdp $r 'veth-rb').ProgramId | Should -Be 0
        @(Invoke-Json bpftool -j prog show | Where-Object name -EQ router_firewall) | Should -BeNullOrEmpty
    }
}
