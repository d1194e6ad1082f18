# A router written the way programs from outside the module are (tests/bpf/fib_router.c: SEC("router"), a name
# longer than the kernel keeps, by-name flow counters), built from its own source and used as bpftool and tc would:
# attached by path without -Hook, test-run with the context bpftool prog run passes, named as bpftool names it.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:ra = $net['RouterA']; $script:r = $ra.NetNamespace
    $script:a = $net['ClientA']; $script:b = $net['ClientB']
    $script:objects = @{ Xdp = (Build-TestBpfObject fib_router -Hook Xdp); Tc = (Build-TestBpfObject fib_router -Hook Tc) }
    $script:packet = New-BpfTestPacket -Udp -Source $a.Address -Destination $b.Address -SourceMac $a.Mac -DestinationMac $ra.Mac -Ttl 64

    function Invoke-BpftoolRun([uint32] $Id, [byte[]] $Data, [byte[]] $Context) {
        # bpftool prog run in the router's namespace (by id: ip netns exec hides bpffs pins) on the same bytes.
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-run-$PID"
        $null = New-Item -ItemType Directory -Force $dir
        [IO.File]::WriteAllBytes("$dir/in", $Data)
        [string[]] $ctx = if ($Context) { [IO.File]::WriteAllBytes("$dir/ctx", $Context); 'ctx_in', "$dir/ctx" } else { @() }
        try {
            $run = Invoke-Json ip netns exec $r bpftool -j prog run id $Id data_in "$dir/in" data_out "$dir/out" @ctx
            [pscustomobject]@{ ReturnValue = [int]$run.retval; Bytes = [IO.File]::ReadAllBytes("$dir/out") }
        }
        finally { Remove-Item -Recurse $dir -ErrorAction Ignore }
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'A SEC("router") program attached by path without -Hook' {
    It 'at <Hook>, <Cmdlet> gives it the hook''s type and it forwards A to B; its counters agree with bpftool' -ForEach @(
        @{ Hook = 'Xdp'; Cmdlet = 'Add-XdpProgram'; Type = 'xdp' }
        @{ Hook = 'Tc'; Cmdlet = 'Add-TcProgram'; Type = 'sched_cls' }
    ) {
        $pins = New-ScratchPinPath
        $attached = $net.Interfaces | Where-Object Role -Like 'Router*' |
            & $Cmdlet -LiteralPath $objects[$Hook] -PinPath $pins -PassThru
        try {
            $attached.Count | Should -Be 2
            $id = $attached[0].ProgramId
            $attached.ProgramId | Should -Be @($id, $id)
            $attached.PinPath | Should -Be @($pins, $pins)
            foreach ($i in 'veth-ra', 'veth-rb') {
                $onLink = if ($Hook -eq 'Xdp') { (Get-IpXdp $r $i).ProgramId } else { (Get-TcFilters $r $i).ProgramId }
                $onLink | Should -Be $id
            }
            $theirs = Invoke-Json bpftool -j prog show id $id
            $theirs.type | Should -Be $Type
            $theirs.name | Should -Be 'router_fib_forward' -Because 'bpftool names it from BTF func info'
            $attached[0].ProgramName | Should -Be $theirs.name
            # -PinPath pinned the program and its maps, the by-name counters included.
            (Invoke-Json bpftool -j prog show pinned "$pins/router_fib_forward").id | Should -Be $id
            Test-Path /sys/fs/bpf/fibrt_flows | Should -BeFalse

            $out = & ip netns exec $a.NetNamespace ping -c 3 -i 0.2 -W 2 $b.Address
            $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
            ($out | Select-String 'ttl=(\d+)').Matches | ForEach-Object { [int]$_.Groups[1].Value } | Sort-Object -Unique | Should -Be 63
            $ours = Get-BpfMapEntry -LiteralPath "$pins/fibrt_flows" -Key @{ saddr = $a.Address; daddr = $b.Address }
            $ours.Value.pkts | Should -Be 3
            $key = [byte[]](([ipaddress]$a.Address).GetAddressBytes() + ([ipaddress]$b.Address).GetAddressBytes())
            $dump = Invoke-Json bpftool -j map lookup pinned "$pins/fibrt_flows" key @($key | ForEach-Object { "$_" })
            ($dump.formatted.values | ForEach-Object { $_.value.pkts } | Measure-Object -Sum).Sum | Should -Be 3
            ($dump.formatted.values | ForEach-Object { $_.value.bytes } | Measure-Object -Sum).Sum | Should -Be $ours.Value.bytes
        }
        finally {
            Get-XdpProgram -NetNamespace $r | Remove-XdpProgram -Confirm:$false
            Get-TcProgram -NetNamespace $r | Remove-TcProgram -Confirm:$false
            Remove-Item -Recurse $pins -ErrorAction Ignore
        }
    }

    It 'Import-BpfObject cannot guess its type either: -Hook loads it, and Get-BpfProgram finds it by its full name' {
        $obj = Import-BpfObject -LiteralPath $objects.Xdp -Hook Xdp -PinPath (New-ScratchPinPath)
        try {
            $p = Get-BpfProgram -Name router_fib_forward | Where-Object Id -EQ $obj.Programs[0].Id
            $p | Should -Not -BeNullOrEmpty
            $p.Name | Should -Be (Invoke-Json bpftool -j prog show id $p.Id).name
            $p.KernelName | Should -Be 'router_fib_forw' -Because 'the kernel keeps 15 characters'
            (Get-BpfProgram -Name 'router_fib_f*').Id | Should -Contain $p.Id
            $line = 'Get-BpfProgram -Name router_fib_f'
            $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
            $completions | Should -Contain 'router_fib_forward'
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }
}

Describe 'Test runs with the ingress interface''s context, byte for byte against bpftool prog run' {
    It 'at TC, an __sk_buff with ifindex and ingress_ifindex: TC_ACT_REDIRECT, MACs rewritten, TTL 63' {
        $obj = Import-BpfObject -LiteralPath $objects.Tc -Hook Tc -PinPath (New-ScratchPinPath)
        try {
            $ours = Invoke-BpfProgramTest -Program $obj -Hook Tc -Packet $packet -IngressInterface $ra.Interface -NetNamespace $r
            # struct __sk_buff (uapi linux/bpf.h): 192 bytes, ingress_ifindex at 36, ifindex at 40, the rest zero.
            $ctx = [byte[]]::new(192)
            [BitConverter]::GetBytes([uint32]$ra.Ifindex).CopyTo($ctx, 36)
            [BitConverter]::GetBytes([uint32]$ra.Ifindex).CopyTo($ctx, 40)
            $theirs = Invoke-BpftoolRun $obj.Programs[0].Id $packet.Bytes $ctx
            $theirs.ReturnValue | Should -Be 7
            $ours.ReturnValue | Should -Be $theirs.ReturnValue
            $ours.Verdict | Should -Be 'TC_ACT_REDIRECT'
            [Convert]::ToHexString($ours.OutputPacket.Bytes) | Should -Be ([Convert]::ToHexString($theirs.Bytes))
            $ours.OutputPacket.Ttl | Should -Be 63
            $ours.OutputPacket.SourceMac | Should -Be $net['RouterB'].Mac
            $ours.OutputPacket.DestinationMac | Should -Be $b.Mac
            $ours.OutputPacket.ChecksumsValid | Should -BeTrue
            # Without an interface neither passes a context, and the FIB lookup has no ingress to go by.
            $plain = Invoke-BpfProgramTest -Program $obj -Hook Tc -Packet $packet
            $plain.ReturnValue | Should -Be (Invoke-BpftoolRun $obj.Programs[0].Id $packet.Bytes $null).ReturnValue
            $plain.Verdict | Should -Be 'TC_ACT_OK'
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'at XDP, an xdp_md with ingress_ifindex: XDP_REDIRECT and the same bytes as bpftool' {
        $obj = Import-BpfObject -LiteralPath $objects.Xdp -Hook Xdp -PinPath (New-ScratchPinPath)
        try {
            $ours = Invoke-BpfProgramTest -Program $obj -Packet $packet -IngressInterface $ra.Interface -NetNamespace $r
            # struct xdp_md: data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex.
            $ctx = [byte[]]::new(24)
            [BitConverter]::GetBytes([uint32]$packet.Length).CopyTo($ctx, 4)
            [BitConverter]::GetBytes([uint32]$ra.Ifindex).CopyTo($ctx, 12)
            $theirs = Invoke-BpftoolRun $obj.Programs[0].Id $packet.Bytes $ctx
            $theirs.ReturnValue | Should -Be 4
            $ours.Verdict | Should -Be 'XDP_REDIRECT'
            [Convert]::ToHexString($ours.OutputPacket.Bytes) | Should -Be ([Convert]::ToHexString($theirs.Bytes))
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'Invoke-BpfProgramTest -LiteralPath gives the section the -Hook''s type, and removes the by-name pins it made' {
        $r1 = Invoke-BpfProgramTest -LiteralPath $objects.Tc -Hook Tc -Packet $packet -IngressInterface $ra.Interface -NetNamespace $r
        $r1.ProgramType | Should -Be 'sched_cls'
        $r1.Verdict | Should -Be 'TC_ACT_REDIRECT'
        $r1.Program | Should -Be 'router_fib_forward'
        Test-Path /sys/fs/bpf/fibrt_flows | Should -BeFalse
    }
}
