# The experiment setup of tk154/eBPF-Tests, end to end: client A - router - client B, the router program on both
# router interfaces at each hook, real ICMP and UDP from A to B.
BeforeDiscovery {
    $script:hooks = @(
        @{ Hook = 'XdpNative'; Mode = 'Native' }
        @{ Hook = 'XdpGeneric'; Mode = 'Generic' }
        @{ Hook = 'TcIngress'; Mode = $null }
    )
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:a = $net['ClientA']; $script:b = $net['ClientB']; $script:r = $net['RouterA'].NetNamespace
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
}

Describe 'The router program forwards A to B at <Hook>' -ForEach $hooks {
    BeforeAll {
        $routerSide = $net.Interfaces | Where-Object Role -Like 'Router*'
        $attached = if ($Mode) { $routerSide | Add-XdpProgram -Program router -Mode $Mode -PassThru }
        else { $routerSide | Add-TcProgram -Program router -Direction Ingress -PassThru }
        # The built-in pins its counters in a folder of its own program, not at the bpffs root.
        $script:stats = "$($attached[0].PinPath)/rout_stats"
    }

    AfterAll {
        Get-XdpProgram -NetNamespace $r | Remove-XdpProgram -Confirm:$false
        Get-TcProgram -NetNamespace $r | Remove-TcProgram -Confirm:$false
        # The counters' folder goes with its program, so the next hook starts from zero.
        Test-Path $stats | Should -BeFalse
    }

    It 'is attached where ip and tc say it is' {
        foreach ($i in 'veth-ra', 'veth-rb') {
            if ($Mode) { (Get-IpXdp $r $i).Mode | Should -Be $Mode }
            else { (Invoke-Json bpftool -j prog show id (Get-TcFilters $r $i).ProgramId).name | Should -Be 'router' }
        }
    }

    It 'forwards ICMP both ways itself: B answers, TTL is decremented, the kernel forwards nothing' {
        $kernelBefore = Get-KernelForwarded $r
        $out = & ip netns exec $a.NetNamespace ping -c 5 -i 0.2 -W 2 $b.Address
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        ($out | Select-String 'ttl=(\d+)').Matches | ForEach-Object { [int]$_.Groups[1].Value } | Sort-Object -Unique | Should -Be 63
        (Get-FlowCounters $stats $a.Address $b.Address).Packets | Should -Be 5
        (Get-FlowCounters $stats $b.Address $a.Address).Packets | Should -Be 5
        Get-KernelForwarded $r | Should -Be $kernelBefore
    }

    It 'forwards UDP: B receives every datagram and the counters show its packets and bytes' {
        $before = Get-FlowCounters $stats $a.Address $b.Address
        $rxBefore = Get-RxPackets $b.NetNamespace $b.Interface
        Send-UdpDatagrams $a.NetNamespace $b.Address 5001 10 200
        $after = Get-FlowCounters $stats $a.Address $b.Address
        ($after.Packets - $before.Packets) | Should -Be 10
        # 200 bytes of payload + UDP 8 + IPv4 20 + Ethernet 14 on the wire.
        ($after.Bytes - $before.Bytes) | Should -Be (10 * 242)
        # The same counters read through the module.
        $flow = Get-BpfMapEntry -LiteralPath $stats -Key @{ src = $a.Address; dst = $b.Address }
        $flow.Value.packets | Should -Be $after.Packets
        $flow.Value.bytes | Should -Be $after.Bytes
        (Get-RxPackets $b.NetNamespace $b.Interface) - $rxBefore | Should -BeGreaterOrEqual 10
    }
}
