# Test packets and program test runs: checksums checked by tshark, verdicts table-driven over the module's programs.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

}

AfterAll { Remove-ScratchState }

Describe 'New-BpfTestPacket and Export-BpfTestPacket' {
    It 'writes a <Kind> frame tshark decodes with valid checksums' -ForEach @(
        @{ Kind = 'UDP'; Build = @{ Udp = $true; DestinationPort = 5001; Payload = 'hello' }; Field = 'udp.checksum.status' }
        @{ Kind = 'TCP'; Build = @{ Tcp = $true; SourcePort = 40000; DestinationPort = 80 }; Field = 'tcp.checksum.status' }
        @{ Kind = 'ICMP'; Build = @{ Icmp = $true }; Field = 'icmp.checksum.status' }
        @{ Kind = 'UDP over IPv6'; Build = @{ Udp = $true; Source = '2001:2::1'; Destination = '2001:2::2' }; Field = 'udp.checksum.status' }
    ) {
        $p = New-BpfTestPacket @Build -VlanId 10 -OuterVlanId 20
        $p.ChecksumsValid | Should -BeTrue
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-$PID-$($Kind -replace ' ', '').pcap"
        try {
            $p | Export-BpfTestPacket -LiteralPath $file | Out-Null
            $fields = & tshark -r $file -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields -e vlan.id -e ieee8021ad.id -e $Field -e ip.checksum.status 2>$null
            $LASTEXITCODE | Should -Be 0
            $cols = $fields -split "`t"
            $cols[0] | Should -Be '10'
            $cols[1] | Should -Be '20'
            $cols[2] | Should -Be '1' -Because 'tshark reports a good checksum as 1'
            if ($Kind -notlike '*IPv6') { $cols[3] | Should -Be '1' }
        }
        finally { Remove-Item $file -ErrorAction Ignore }
    }

    It 'pads to -FrameLength and decodes what it built' {
        $p = New-BpfTestPacket -Udp -Source 198.18.1.1 -Destination 198.18.2.1 -Ttl 5 -FrameLength 60
        $p.Length | Should -Be 60
        $p.Ttl | Should -Be 5
        $p.Source | Should -Be '198.18.1.1'
    }
}

Describe 'Invoke-BpfProgramTest against the module''s programs' {
    BeforeAll {
        $script:good = New-BpfTestPacket -Udp -Source 198.18.1.1 -Destination 198.18.2.1 -DestinationPort 5001
        # The same packet with a UDP length that does not match the IP length.
        $bytes = [byte[]]$good.Bytes.Clone(); $bytes[14 + 20 + 4] = 0; $bytes[14 + 20 + 5] = 200
        $script:badUdpLength = $bytes
        $script:tagged = New-BpfTestPacket -Udp -VlanId 30
    }

    It '<Program> (<Hook>) gives <Verdict>, which is <Action> whatever the hook' -ForEach @(
        @{ Program = 'drop'; Hook = 'Xdp'; Packet = 'good'; Verdict = 'XDP_DROP'; Action = 'Drop' }
        @{ Program = 'pass'; Hook = 'Xdp'; Packet = 'good'; Verdict = 'XDP_PASS'; Action = 'Pass' }
        @{ Program = 'tx'; Hook = 'Xdp'; Packet = 'good'; Verdict = 'XDP_TX'; Action = 'Tx' }
        @{ Program = 'drop'; Hook = 'Tc'; Packet = 'good'; Verdict = 'TC_ACT_SHOT'; Action = 'Drop' }
        @{ Program = 'pass'; Hook = 'Tc'; Packet = 'good'; Verdict = 'TC_ACT_OK'; Action = 'Pass' }
        @{ Program = 'router_iperf'; Hook = 'Xdp'; Packet = 'badUdpLength'; Verdict = 'XDP_DROP'; Action = 'Drop' }
        @{ Program = 'router_iperf'; Hook = 'Tc'; Packet = 'badUdpLength'; Verdict = 'TC_ACT_SHOT'; Action = 'Drop' }
        @{ Program = 'router_firewall'; Hook = 'Xdp'; Packet = 'tagged'; Verdict = 'XDP_DROP'; Action = 'Drop' }
        @{ Program = 'router_firewall'; Hook = 'Tc'; Packet = 'tagged'; Verdict = 'TC_ACT_SHOT'; Action = 'Drop' }
    ) {
        $frame = @{ good = $good; badUdpLength = $badUdpLength; tagged = $tagged }[$Packet]
        $r = Invoke-BpfProgramTest -Program $Program -Hook $Hook -Packet $frame
        $r.Verdict | Should -Be $Verdict
        $r.Action | Should -Be $Action
        $r.Repeat | Should -Be 1
    }

    It 'ConvertTo-Json writes the packets as one hex text each, the bytes a pcap of them holds' {
        $r = Invoke-BpfProgramTest -Program tx -Packet $good
        $json = $r | ConvertTo-Json -Depth 3
        $back = $json | ConvertFrom-Json
        ($json -split "`n").Count | Should -BeLessThan 60 -Because "a $($good.Length)-byte frame is one line, not a number per line"
        $back.OutputPacket.PSObject.Properties.Name | Should -Not -Contain 'Bytes'
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-k1-$PID.pcap"
        try {
            $r.OutputPacket | Export-BpfTestPacket -LiteralPath $file | Out-Null
            # The pcap global header (24 bytes) and record header (16) come before the frame.
            $pcap = [IO.File]::ReadAllBytes($file)
            $back.OutputPacket.Hex | Should -Be ([Convert]::ToHexString($pcap, 40, $pcap.Length - 40).ToLowerInvariant())
        }
        finally { Remove-Item $file -ErrorAction Ignore }
        $back.InputPacket.Hex.Length | Should -Be (2 * $good.Length)
    }

    It 'tx swaps the MAC addresses of the output packet' {
        $r = Invoke-BpfProgramTest -Program tx -Packet $good
        $r.OutputPacket.SourceMac | Should -Be $good.DestinationMac
        $r.OutputPacket.DestinationMac | Should -Be $good.SourceMac
    }

    It 'the router forwards with the TTL decremented and the checksum still valid, on a real router namespace' {
        $net = New-BpfTestNetwork -Topology Routed
        try {
            $ra = $net['RouterA']
            $p = New-BpfTestPacket -Udp -Source $net['ClientA'].Address -Destination $net['ClientB'].Address -DestinationMac $ra.Mac -Ttl 9
            $r = Invoke-BpfProgramTest -Program router -Packet $p -IngressInterface $ra.Interface -NetNamespace $ra.NetNamespace
            $r.Verdict | Should -Be 'XDP_REDIRECT'
            $r.OutputPacket.Ttl | Should -Be 8
            $r.OutputPacket.ChecksumsValid | Should -BeTrue
            $r.OutputPacket.SourceMac | Should -Be $net['RouterB'].Mac
            $r.OutputPacket.DestinationMac | Should -Be $net['ClientB'].Mac
        }
        finally {
            Remove-BpfTestNetwork $net.Name -Confirm:$false
        }
    }

    It 'a packet New-BpfTestPacket addresses across a routed network is redirected by the router at both hooks' {
        $net = New-BpfTestNetwork -Topology Routed
        try {
            $p = New-BpfTestPacket -Network $net -From ClientA -To ClientB -DestinationPort 5001
            # What the interfaces themselves say, read with ip: the sender's address and MAC, the router's MAC.
            $a = (Invoke-Json ip -n $net['ClientA'].NetNamespace -j addr show dev veth-a)[0]
            $ra = (Invoke-Json ip -n $net['RouterA'].NetNamespace -j link show dev veth-ra)[0]
            $b = (Invoke-Json ip -n $net['ClientB'].NetNamespace -j addr show dev veth-b)[0]
            $p.Source | Should -Be ($a.addr_info | Where-Object family -EQ inet).local
            $p.SourceMac | Should -Be $a.address
            $p.DestinationMac | Should -Be $ra.address
            $p.Destination | Should -Be ($b.addr_info | Where-Object family -EQ inet).local
            (New-BpfTestPacket -Network $net.Name -From ClientA -To ClientB -Destination 198.18.2.9).Destination |
                Should -Be '198.18.2.9' -Because 'an explicit -Destination wins'
            $ingress = $net['RouterA']
            foreach ($hook in 'Xdp', 'Tc') {
                $r = Invoke-BpfProgramTest -Program router -Hook $hook -Packet $p -IngressInterface $ingress.Interface -NetNamespace $ingress.NetNamespace
                $r.Action | Should -Be 'Redirect' -Because "the router at $hook gives $($r.Verdict)"
            }
            (Get-Error { New-BpfTestPacket -Network $net -From ClientA }).FullyQualifiedErrorId | Should -BeLike 'TestPacketPathIncomplete,*'
            (Get-Error { New-BpfTestPacket -Network $net -From ClientA -To ClientC }).FullyQualifiedErrorId | Should -BeLike 'TestInterfaceNotFound,*'
        }
        finally {
            Remove-BpfTestNetwork $net.Name -Confirm:$false
            if (Test-Path /sys/fs/bpf/rout_stats) { Remove-Item /sys/fs/bpf/rout_stats }
        }
    }

    It 'a built-in pins nothing that outlives the run; with -PinPath its counters stay there for reading' {
        $net = New-BpfTestNetwork -Topology Routed
        try {
            $ra = $net['RouterA']
            $p = New-BpfTestPacket -Udp -Source $net['ClientA'].Address -Destination $net['ClientB'].Address -DestinationMac $ra.Mac
            $before = Get-KernelSnapshot
            (Invoke-BpfProgramTest -Program router -Packet $p -IngressInterface $ra.Interface -NetNamespace $ra.NetNamespace).Verdict | Should -Be 'XDP_REDIRECT'
            # Neither a root nor a private pin of its maps, nor the program itself, is left.
            Compare-KernelSnapshot -Before $before -Name '/sys/fs/bpf/rout_stats' | Should -BeNullOrEmpty
            $pins = New-ScratchPinPath
            $r = Invoke-BpfProgramTest -Program router -Packet $p -Repeat 3 -IngressInterface $ra.Interface -NetNamespace $ra.NetNamespace -PinPath $pins
            (Invoke-Json bpftool -j prog show pinned "$pins/router").id | Should -Be $r.ProgramId
            $flow = Get-BpfMapEntry -LiteralPath "$pins/rout_stats" -Key @{ src = $net['ClientA'].Address; dst = $net['ClientB'].Address }
            $flow.Value.packets | Should -Be 3 -Because 'the router counted each of the 3 runs'
            (Get-FlowCounters "$pins/rout_stats" $net['ClientA'].Address $net['ClientB'].Address).Packets | Should -Be 3
        }
        finally {
            Remove-BpfTestNetwork $net.Name -Confirm:$false
        }
    }

    It 'runs an XDP program as if on receive queue -RxQueueIndex, as bpftool does with the same xdp_md' {
        $ns = New-ScratchNamespace
        & ip -n $ns link add vq0 numtxqueues 4 numrxqueues 4 type veth peer name vq1 numtxqueues 4 numrxqueues 4
        & ip -n $ns link set vq0 up
        $ifindex = (Invoke-Json ip -n $ns -j link show dev vq0)[0].ifindex
        $steer = Import-BpfObject -LiteralPath (Build-TestBpfObject queue_steer) -PinPath (New-ScratchPinPath)
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-rxq-$PID"
        $null = New-Item -ItemType Directory -Force $dir
        try {
            [IO.File]::WriteAllBytes("$dir/in", $good.Bytes)
            foreach ($queue in 0, 1, 3) {
                $ours = Invoke-BpfProgramTest -Program $steer -Packet $good -IngressInterface vq0 -NetNamespace $ns -RxQueueIndex $queue
                # struct xdp_md: data_end at 4, ingress_ifindex at 12, rx_queue_index at 16.
                $ctx = [byte[]]::new(24)
                [BitConverter]::GetBytes([uint32]$good.Length).CopyTo($ctx, 4)
                [BitConverter]::GetBytes([uint32]$ifindex).CopyTo($ctx, 12)
                [BitConverter]::GetBytes([uint32]$queue).CopyTo($ctx, 16)
                [IO.File]::WriteAllBytes("$dir/ctx", $ctx)
                $theirs = Invoke-Json ip netns exec $ns bpftool -j prog run id $steer.Programs[0].Id data_in "$dir/in" ctx_in "$dir/ctx"
                $ours.ReturnValue | Should -Be $theirs.retval -Because "queue $queue"
                $ours.Verdict | Should -Be $(if ($queue -eq 1) { 'XDP_DROP' } else { 'XDP_PASS' })
            }
            $frames = Get-BpfMapEntry -InputObject $steer -MapName steer_frames
            ($frames | Where-Object Key -EQ 1).Value | Should -Be 2 -Because 'ours and bpftool''s run on queue 1'
            ($frames | Where-Object Key -EQ 2).Value | Should -Be 0
        }
        finally {
            $steer | Remove-BpfObject -Confirm:$false
            Remove-Item -Recurse $dir -ErrorAction Ignore
        }
    }

    It '-RxQueueIndex that cannot apply: InvalidRxQueueIndex (<Case>)' -ForEach @(
        @{ Case = 'no ingress interface' }, @{ Case = 'a TC program' }, @{ Case = 'a queue the interface does not have' }
    ) {
        $ns = New-ScratchNamespace
        & ip -n $ns link add vq0 type veth peer name vq1
        $e = switch ($Case) {
            'no ingress interface' { Get-Error { Invoke-BpfProgramTest -Program pass -Packet $good -RxQueueIndex 1 } }
            'a TC program' { Get-Error { Invoke-BpfProgramTest -Program pass -Hook Tc -Packet $good -IngressInterface vq0 -NetNamespace $ns -RxQueueIndex 1 } }
            default { Get-Error { Invoke-BpfProgramTest -Program pass -Packet $good -IngressInterface vq0 -NetNamespace $ns -RxQueueIndex 100000 } }
        }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidRxQueueIndex,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports the kernel''s time per run over -Repeat runs, and the run count with statistics on' {
        $obj = Import-BpfObject -Program pass -Hook Xdp
        try {
            Enable-BpfStatistics
            $r = Invoke-BpfProgramTest -Program $obj.Programs[0] -Packet $good -Repeat 100000
            $r.NsPerRun | Should -BeGreaterThan 0
            $p = Get-BpfProgram -Id $obj.Programs[0].Id
            $p.RunCount | Should -BeGreaterOrEqual 100000
            (Invoke-Json bpftool -j prog show id $p.Id).run_cnt | Should -Be $p.RunCount
            $p.NsPerRun | Should -BeGreaterThan 0
            # The named view for run-time statistics, at the width of a redirected file.
            $table = ($p | Format-Table -View Statistics | Out-String -Width 80) -split "`n"
            @($table -match '^\s*Id\s+Name\s+Type\s+RunCount\s+RunTimeNs\s+NsPerRun\s*$').Count | Should -Be 1
            ($table | Where-Object { $_ -match "^\s*$($p.Id) " }) | Should -Match "\b$($p.RunCount)\s+$($p.RunTimeNs)\s+[\d.,]+$"
            Disable-BpfStatistics
            $before = (Get-BpfProgram -Id $obj.Programs[0].Id).RunCount
            Invoke-BpfProgramTest -Program $obj.Programs[0] -Packet $good -Repeat 1000 | Out-Null
            (Get-BpfProgram -Id $obj.Programs[0].Id).RunCount | Should -Be $before -Because 'with statistics off the kernel does not count'
        }
        finally {
            Disable-BpfStatistics
            $obj | Remove-BpfObject -Confirm:$false
        }
    }

    It 'bad input: <Case>' -ForEach @(
        @{ Case = 'a packet too short for Ethernet'; Id = 'PacketTooShort' }
        @{ Case = 'a -Repeat of 0'; Id = 'InvalidRepeat' }
        @{ Case = 'a program type test runs cannot run'; Id = 'TestRunNotSupported' }
    ) {
        $e = switch ($Case) {
            'a packet too short for Ethernet' { Get-Error { Invoke-BpfProgramTest -Program drop -Packet ([byte[]](1..10)) } }
            'a -Repeat of 0' { Get-Error { Invoke-BpfProgramTest -Program drop -Packet $good -Repeat 0 } }
            default {
                $pin = New-ScratchPinPath
                & bpftool prog load (Build-TestBpfObject tiny_xdp) $pin type cgroup/skb 2>$null
                if ($LASTEXITCODE -ne 0) { & bpftool prog load (Build-TestBpfObject tiny_xdp) $pin type socket }
                Get-Error { Invoke-BpfProgramTest -Program (Invoke-Json bpftool -j prog show pinned $pin).id -Packet $good }
            }
        }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}

Describe 'Send-BpfTestPacket' {
    It 'sends real frames into a test network: a counting program at the receiver sees each one' {
        $net = New-BpfTestNetwork
        $counter = Import-BpfObject -Program count_drop -Hook Xdp
        try {
            $a = $net['A']; $b = $net['B']
            # count_drop at B counts and drops, so B's stack never answers and nothing else is counted.
            Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program $counter -Mode Native
            $p = New-BpfTestPacket -Udp -SourceMac $a.Mac -DestinationMac $b.Mac -Source $a.Address -Destination $b.Address
            (Send-BpfTestPacket -Packet $p -Interface $a.Interface -NetNamespace $a.NetNamespace -Count 25).Sent | Should -Be 25
            Start-Sleep -Milliseconds 50
            (Get-BpfMapEntry -InputObject $counter -MapName counters -Key 0).Value.packets | Should -Be 25
            (Get-BpfMapEntry -InputObject $counter -MapName counters -Key 0).Value.bytes | Should -Be (25 * $p.Length)
        }
        finally {
            Remove-BpfTestNetwork $net.Name -Confirm:$false
            $counter | Remove-BpfObject -Confirm:$false
        }
    }
}
