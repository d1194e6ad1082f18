# The hook comparison: counts are the receiver's, the program's own counter agrees, native XDP wins on veth.
BeforeDiscovery {
    $script:hooks = @('XdpNative', 'XdpGeneric', 'TcIngress', 'Tcx') | ForEach-Object { @{ Hook = $_ } }
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork

}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
}

Describe 'Measure-HookThroughput' {
    It 'at <Hook>, the drop program counts exactly the packets the result says arrived' -ForEach $hooks {
        $kind = if ($Hook -like 'Xdp*') { 'Xdp' } else { 'Tc' }
        $obj = Import-BpfObject -Program count_drop -Hook $kind
        try {
            $r = Measure-HookThroughput -Program $obj.Programs[0] -Hook $Hook -Network $net -Count 200000
            # The program saw the warm-up burst too; the sample is what came after it.
            $counters = $obj.Maps | Where-Object Name -EQ counters
            $key = [byte[]]::new(4)
            $counted = (Invoke-Json bpftool -j map lookup id $counters.Id key 0 0 0 0).formatted.values | ForEach-Object { $_.value.packets } | Measure-Object -Sum
            $r.Sent | Should -Be 200000
            $r.Packets | Should -BeGreaterThan 0
            $r.Packets + $r.Lost | Should -Be $r.Sent
            $r.ProgramPackets | Should -Be $r.Packets -Because 'the program''s own counter is read around the sample'
            $r.CountersAgree | Should -BeTrue
            $counted.Sum | Should -Be ($r.Packets + 65536 + 65536) -Because 'the counter saw the 65536-frame warm-up, the sample and the 65536 frames timed with statistics on, nothing else'
            $r.ProgramNsPerPacket | Should -BeGreaterThan 0
            $r.GeneratorCpu | Should -BeIn (0..([Environment]::ProcessorCount - 1))
            $r.Hook | Should -Be $Hook
            if ($Hook -eq 'XdpNative') { $r.XdpModeInForce | Should -Be 'Native' }
            if ($Hook -eq 'XdpGeneric') { $r.XdpModeInForce | Should -Be 'Generic' }
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
        Get-XdpProgram -NetNamespace $net['B'].NetNamespace | Should -BeNullOrEmpty
        Get-TcProgram -NetNamespace $net['B'].NetNamespace | Should -BeNullOrEmpty
    }

    It 'shows native XDP faster than TC for drop on veth (the claim of tk154/eBPF-Tests), with the conditions reported' {
        $r = Measure-HookThroughput -Program drop -Hook XdpNative, TcIngress -Network $net -Duration 00:00:00.5 -Repeat 3
        $native = $r | Where-Object Hook -EQ XdpNative
        $tc = $r | Where-Object Hook -EQ TcIngress
        $native.Samples | Should -Be 3
        $native.Kernel | Should -Be (& uname -r)
        $native.Cpus | Should -Be ([Environment]::ProcessorCount)
        $native.GroOnReceiver | Should -BeTrue
        $native.BitsPerSecond | Should -Be ([math]::Round($native.PacketsPerSecond * 64 * 8))
        if (-not (Get-BpfFeature -Name LiveFrames).Supported) {
            # A packet socket from one CPU sends slower than either hook drops, so the rates show the sender; the
            # row must say so rather than pass off the sender's rate as the hooks'.
            $native.Note | Should -Match 'refused live frames'
            $tc.Note | Should -Match 'packet socket'
            Set-ItResult -Skipped -Because 'this kernel refuses live frames, and a packet socket cannot outrun either hook'
            return
        }
        $native.PacketsPerSecond | Should -BeGreaterThan $tc.PacketsPerSecond
    }

    It 'turns GRO on when the receiver has it off, says so, and puts it back' {
        $b = $net['B']
        & ip netns exec $b.NetNamespace ethtool -K $b.Interface gro off
        try {
            $r = Measure-HookThroughput -Program drop -Hook TcIngress -Network $net -Count 50000
            $r.Note | Should -Match 'GRO'
            $r.Packets | Should -BeGreaterThan 0
            (& ip netns exec $b.NetNamespace ethtool -k $b.Interface | Select-String 'generic-receive-offload: off') | Should -Not -BeNullOrEmpty
        }
        finally { & ip netns exec $b.NetNamespace ethtool -K $b.Interface gro on }
    }

    It 'makes and removes its own network when none is given' {
        $before = Get-KernelSnapshot
        Measure-HookThroughput -Program drop -Hook XdpNative -Count 10000 | Should -Not -BeNullOrEmpty
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }
}

Describe 'Measure-HookThroughput: bad input' {
    It 'a hook the program type cannot use: WrongProgramType' {
        $x = Import-BpfObject -Program drop -Hook Xdp
        try {
            $e = Get-Error { Measure-HookThroughput -Program $x.Programs[0] -Hook TcIngress -Network $net }
            $e.FullyQualifiedErrorId | Should -BeLike 'WrongProgramType,*'
        }
        finally { $x | Remove-BpfObject -Confirm:$false }
    }

    It 'a packet size of <Size>: InvalidPacketSize' -ForEach @(@{ Size = 40 }, @{ Size = 1600 }) {
        $e = Get-Error { Measure-HookThroughput -Program drop -Hook XdpNative -PacketSize $Size -Network $net }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidPacketSize,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'a network that does not exist: TestNetworkNotFound' {
        $e = Get-Error { Measure-HookThroughput -Program drop -Network "nosuch-$PID" }
        $e.FullyQualifiedErrorId | Should -BeLike 'TestNetworkNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It '<Case>: <Id>' -ForEach @(
        @{ Case = '-Flows 0'; Id = 'InvalidFlowCount'; Run = { Measure-HookThroughput -Program drop -Flows 0 -Network $net } }
        @{ Case = '-ZeroLoss with -Count'; Id = 'ZeroLossWithCount'; Run = { Measure-HookThroughput -Program drop -ZeroLoss -Count 1000 -Network $net } }
        @{ Case = '-LossTolerance 1.5'; Id = 'InvalidLossTolerance'; Run = { Measure-HookThroughput -Program drop -ZeroLoss -LossTolerance 1.5 -Network $net } }
        @{ Case = '-LossTolerance -0.1'; Id = 'InvalidLossTolerance'; Run = { Measure-HookThroughput -Program drop -ZeroLoss -LossTolerance -0.1 -Network $net } }
        @{ Case = '-Traffic Tcp without -Routed'; Id = 'TrafficNeedsRouted'; Run = { Measure-HookThroughput -Program router -Traffic Tcp -Network $net } }
        @{ Case = '-Count with -Duration'; Id = 'CountWithDuration'; Run = { Measure-HookThroughput -Program drop -Count 1000 -Duration 2 -Network $net } }
        @{ Case = 'a network name that is a path'; Id = 'InvalidTestNetworkName'; Run = { Measure-HookThroughput -Program drop -Network '../../etc/x' } }
    ) {
        $before = Get-KernelSnapshot
        $e = Get-Error $Run
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It '-Traffic Tcp without iperf3 on PATH: IperfNotInstalled, naming the package' {
        $path = $env:PATH
        $before = Get-KernelSnapshot
        try {
            $env:PATH = '/nonexistent'
            $e = Get-Error { Measure-HookThroughput -Program router -Routed -Traffic Tcp }
        }
        finally { $env:PATH = $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'IperfNotInstalled,*'
        $e.CategoryInfo.Category | Should -Be 'NotInstalled'
        $e.ErrorDetails.RecommendedAction | Should -Match 'apt-get install iperf3'
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty -Because 'it checks before it builds a network'
    }

    It 'a duration of zero: InvalidDuration' {
        $e = Get-Error { Measure-HookThroughput -Program drop -Duration 0 -Network $net }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidDuration,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Measure-HookThroughput: repeated and long requests' {
    It 'a hook or size named twice is measured once' {
        $rows = @(Measure-HookThroughput -Program drop -Hook XdpGeneric, XdpGeneric -PacketSize 64, 64 -Count 5000 -Network $net)
        $rows.Count | Should -Be 1
        $rows[0].Hook | Should -Be 'XdpGeneric'
    }

    It 'a -Count that would take hours shows how far it got, and Ctrl+C stops it and detaches' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; Measure-HookThroughput -Program drop -Hook XdpGeneric -Count 1000000000000 -Network $($net.Name)")
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        # (Streams are read with ReadAll: enumerating one of a running pipeline may wait for it to end.)
        $seen = [Collections.Generic.List[object]]::new()
        do { Start-Sleep -Milliseconds 200; $seen.AddRange(@($ps.Streams.Progress.ReadAll())) }
        until (@($seen | Where-Object StatusDescription -Match 'frames sent').Count -gt 0 -or [DateTime]::UtcNow -gt $deadline)
        $sent = @($seen | Where-Object StatusDescription -Match 'of 1,000,000,000,000 frames sent')
        $ps.Stop()
        $ps.Dispose()
        $sent.Count | Should -BeGreaterThan 0 -Because 'a long sample says how many frames went out'
        @(Get-XdpProgram -NetNamespace $net['B'].NetNamespace) | Should -BeNullOrEmpty
        (Get-IpXdp $net['B'].NetNamespace $net['B'].Interface).Mode | Should -BeNullOrEmpty
    }
}

Describe 'Measure-HookThroughput stopped with Ctrl+C' {
    It 'detaches what it attached and removes the network it made' {
        $before = Get-KernelSnapshot
        $networksBefore = @(Get-BpfTestNetwork -Mine).Name
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; Measure-HookThroughput -Program drop -Hook XdpNative, TcIngress -Duration 30")
        $async = $ps.BeginInvoke()
        # Wait until its network exists and a hook is attached, then stop it as Ctrl+C does.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            # Its network is this process's (the runspace runs here); others' networks come and go meanwhile.
            $made = @(Get-BpfTestNetwork -Mine | Where-Object Name -NotIn $networksBefore | ForEach-Object Namespaces)
            $attached = $made.Count -gt 0 -and (@(Get-XdpProgram -AllNamespaces | Where-Object NetNamespace -In $made).Count + @($made | ForEach-Object { Get-TcProgram -NetNamespace $_ }).Count) -gt 0
        } until ($attached -or [DateTime]::UtcNow -gt $deadline)
        $attached | Should -BeTrue -Because 'the measurement should have started'
        $ps.Stop()
        $ps.Dispose()
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        @(Get-BpfTestNetwork | Where-Object { $_.Namespaces[0] -in $made }) | Should -BeNullOrEmpty
    }
}

Describe 'Measure-HookThroughput -Routed (live frames through the router)' {
    BeforeAll {
        $script:rnet = New-BpfTestNetwork -Topology Routed
        $script:ra = $rnet['RouterA']; $script:cb = $rnet['ClientB']
        function Get-PinnedPackets([string] $Map) {
            $sum = [uint64]0
            foreach ($e in Invoke-Json bpftool -j map dump pinned $Map) { foreach ($v in $e.formatted.values) { $sum += $v.value.packets } }
            $sum
        }
    }
    AfterAll {
        if ($rnet) { Remove-BpfTestNetwork $rnet.Name -Confirm:$false }
        Remove-ScratchState
    }

    It 'at <Hook>, forwards A to B with Lost <= 1%, and the router''s counters equal what B received' -ForEach @(
        @{ Hook = 'XdpNative'; Kind = 'Xdp' }, @{ Hook = 'XdpGeneric'; Kind = 'Xdp' }, @{ Hook = 'TcIngress'; Kind = 'Tc' }) {
        $pins = New-ScratchPinPath
        $router = Import-BpfObject -Program router -Hook $Kind -PinPath $pins
        try {
            $rx0 = Get-RxPackets $cb.NetNamespace $cb.Interface
            $r = Measure-HookThroughput -Program $router.Programs[0] -Routed -Hook $Hook -Network $rnet -Count 300000
            $rx = (Get-RxPackets $cb.NetNamespace $cb.Interface) - $rx0
            $r.Sent | Should -Be 300000
            $r.Lost | Should -BeLessOrEqual (0.01 * $r.Sent)
            $r.ProgramPackets | Should -Be $r.Packets
            $r.CountersAgree | Should -BeTrue
            $r.StackForwarded | Should -Be 0 -Because 'the program forwarded, not the router''s stack'
            # Independently: everything the router counted over the run (warm-up and statistics run included) arrived at B.
            Get-PinnedPackets "$pins/rout_stats" | Should -Be $rx
        }
        finally { $router | Remove-BpfObject -Confirm:$false }
    }

    It '-PinPath keeps what the measurement loaded: the built-in router''s counters under <PinPath>/xdp, as B received' {
        $pins = New-ScratchPinPath
        $rx0 = Get-RxPackets $cb.NetNamespace $cb.Interface
        $r = Measure-HookThroughput -Program router -Routed -Hook XdpNative -Network $rnet -Count 100000 -PinPath $pins
        $rx = (Get-RxPackets $cb.NetNamespace $cb.Interface) - $rx0
        $r.Sent | Should -Be 100000
        Test-Path "$pins/tc" | Should -BeFalse -Because 'only the XDP build was loaded'
        Get-PinnedPackets "$pins/xdp/rout_stats" | Should -Be $rx
        # The program itself is pinned too, as Import-BpfObject -PinPath would: it stays loaded for reading.
        (Invoke-Json bpftool -j prog show pinned "$pins/xdp/router").name | Should -Be 'router'
    }

    It 'at <Hook>, every frame reaches the router as the template: a checking router sees no changed TTL or MAC' -ForEach @(
        @{ Hook = 'XdpNative'; Kind = 'Xdp' }, @{ Hook = 'XdpGeneric'; Kind = 'Xdp' }, @{ Hook = 'TcIngress'; Kind = 'Tc' }) {
        $obj = Import-BpfObject -LiteralPath (Build-TestBpfObject template_check -Hook $Kind) -PinPath (New-ScratchPinPath)
        try {
            $r = Measure-HookThroughput -Program $obj.Programs[0] -Routed -Hook $Hook -Network $rnet -Count 200000
            $counts = (Invoke-Json bpftool -j map lookup id ($obj.Maps | Where-Object Name -EQ check_counts).Id key 0 0 0 0).formatted.value
            $counts.seen | Should -BeGreaterOrEqual 200000
            $counts.changed | Should -Be 0 -Because 'the generator writes the template back into every recycled frame'
            $r.Lost | Should -BeLessOrEqual (0.01 * $r.Sent)
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'sends -Flows distinct flows round-robin: the router counts each, and the stack accepts their checksums' {
        $pins = New-ScratchPinPath
        $router = Import-BpfObject -Program router -Hook Xdp -PinPath $pins
        try {
            $r = Measure-HookThroughput -Program $router.Programs[0] -Routed -Hook XdpNative -Network $rnet -Count 100000 -Flows 64
            $r.Flows | Should -Be 64
            $entries = @(Invoke-Json bpftool -j map dump pinned "$pins/rout_stats")
            $entries.Count | Should -Be 64
            $sources = $entries | ForEach-Object { [ipaddress]::new([BitConverter]::GetBytes([uint32]$_.formatted.key.src)).ToString() } | Sort-Object { [version]$_ }
            $sources | Should -Be (1..64 | ForEach-Object { "198.19.0.$_" })
            $per = $entries | ForEach-Object { ($_.formatted.values | ForEach-Object { $_.value.packets } | Measure-Object -Sum).Sum } | Measure-Object -Minimum -Maximum
            ($per.Maximum - $per.Minimum) | Should -BeLessOrEqual 1 -Because 'flows are sent round-robin'
        }
        finally { $router | Remove-BpfObject -Confirm:$false }
        # The router's own stack drops IPv4 headers with a bad checksum: all 64 flows forwarded means each was right.
        $s = Measure-HookThroughput -Program router -Routed -Hook Stack -Network $rnet -Count 50000 -Flows 64
        $s.StackForwarded | Should -Be $s.Packets
        $s.Packets | Should -BeGreaterThan 0
    }

    It '-ZeroLoss finds the rate a 200 kpps policer lets through, and lists the rates it tried' {
        $r = Measure-HookThroughput -Path (Build-TestBpfObject policer -Hook Xdp) -Routed -Hook XdpNative -Network $rnet -ZeroLoss -Duration 0.3
        $r.Trials.Count | Should -BeGreaterThan 1
        $r.Trials[0].Passed | Should -BeFalse -Because 'the unpaced first trial offers far more than the policer passes'
        @($r.Trials | Where-Object Passed).Count | Should -BeGreaterThan 0
        $r.ZeroLossOfferedPacketsPerSecond | Should -Be (($r.Trials | Where-Object Passed | Measure-Object OfferedPacketsPerSecond -Maximum).Maximum)
        $r.ZeroLossOfferedPacketsPerSecond | Should -BeLessOrEqual 210000
        $r.ZeroLossOfferedPacketsPerSecond | Should -BeGreaterThan 100000
        $r.Lost | Should -BeLessOrEqual (0.001 * $r.Sent)
        $r.CountersAgree | Should -BeTrue
    }

    It 'leaves no pins, programs or neighbour entries behind' {
        $before = Get-KernelSnapshot
        $neigh = & ip -n $ra.NetNamespace -j neigh show | ConvertFrom-Json | ForEach-Object { "$($_.dst) $($_.state -join ',')" }
        Measure-HookThroughput -Program router -Routed -Hook XdpNative, TcIngress -Network $rnet -Count 20000 | Should -HaveCount 2
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        @(& ip -n $ra.NetNamespace -j neigh show | ConvertFrom-Json | Where-Object { $_.state -contains 'PERMANENT' }) | Should -BeNullOrEmpty
        Get-XdpProgram -AllNamespaces | Where-Object NetNamespace -In $rnet.Namespaces | Should -BeNullOrEmpty
    }
}

Describe 'Measure-HookThroughput -Traffic Tcp and Udp (iperf3 through the router)' {
    BeforeAll { $script:tnet = New-BpfTestNetwork -Topology Routed }
    AfterAll { if ($tnet) { Remove-BpfTestNetwork $tnet.Name -Confirm:$false } }

    It 'TCP at every hook gets at least 0.3 of the kernel''s own forwarding, the program forwarding, not the stack' {
        $a = $tnet['ClientA']
        & ip netns exec $a.NetNamespace ethtool -K $a.Interface tx on
        $r = Measure-HookThroughput -Program router -Routed -Traffic Tcp -Hook XdpNative, XdpGeneric, TcIngress, Stack -Network $tnet -Duration 1
        $kernel = $r | Where-Object Hook -EQ Stack
        $kernel.BitsPerSecond | Should -BeGreaterThan 0
        $kernel.StackForwarded | Should -BeGreaterThan 0
        foreach ($h in $r | Where-Object Hook -NE Stack) {
            $h.BitsPerSecond | Should -BeGreaterOrEqual (0.3 * $kernel.BitsPerSecond) -Because "$($h.Hook) forwards through the program"
            $h.ProgramPackets | Should -BeGreaterThan 0
            $h.StackForwarded | Should -BeLessOrEqual (0.01 * $h.ProgramPackets)
            $h.Retransmits | Should -Not -BeNullOrEmpty
            $h.Traffic | Should -Be 'Tcp'
            $h.Note | Should -Match 'checksum offload'
        }
        $tnet.Namespaces | ForEach-Object { @(& ip netns pids $_) } | Should -BeNullOrEmpty -Because 'no iperf3 outlives the run'
        (& ip netns exec $a.NetNamespace ethtool -k $a.Interface | Select-String 'tx-checksumming: on') | Should -Not -BeNullOrEmpty -Because 'the offload it turned off is back'
        Get-XdpProgram -AllNamespaces | Where-Object NetNamespace -In $tnet.Namespaces | Should -BeNullOrEmpty
    }

    It 'UDP reports datagrams sent, lost and the program''s count' {
        $r = Measure-HookThroughput -Program router -Routed -Traffic Udp -Hook XdpNative -Network $tnet -Duration 1 -PacketSize 512
        $r.Sent | Should -BeGreaterThan 0
        $r.Packets + $r.Lost | Should -Be $r.Sent
        $r.ProgramPackets | Should -BeGreaterOrEqual $r.Packets
        $r.BitsPerSecond | Should -BeGreaterThan 0
        $tnet.Namespaces | ForEach-Object { @(& ip netns pids $_) } | Should -BeNullOrEmpty
    }
}
