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
            $counted.Sum | Should -Be ($r.Packets + 4096) -Because 'the counter saw the 4096-frame warm-up and the sample, nothing else'
            $r.Hook | Should -Be $Hook
            if ($Hook -eq 'XdpNative') { $r.XdpModeInForce | Should -Be 'Native' }
            if ($Hook -eq 'XdpGeneric') { $r.XdpModeInForce | Should -Be 'Generic' }
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
        Get-XdpProgram -NetNamespace $net['B'].NetNamespace | Should -BeNullOrEmpty
        Get-TcProgram -NetNamespace $net['B'].NetNamespace | Should -BeNullOrEmpty
    }

    It 'shows native XDP faster than TC for drop on veth (the seed''s claim), with the conditions reported' {
        $r = Measure-HookThroughput -Program drop -Hook XdpNative, TcIngress -Network $net -Duration 00:00:00.5 -Repeat 3
        $native = $r | Where-Object Hook -EQ XdpNative
        $tc = $r | Where-Object Hook -EQ TcIngress
        $native.Samples | Should -Be 3
        $native.PacketsPerSecond | Should -BeGreaterThan $tc.PacketsPerSecond
        $native.Kernel | Should -Be (& uname -r)
        $native.Cpus | Should -Be ([Environment]::ProcessorCount)
        $native.GroOnReceiver | Should -BeTrue
        $native.BitsPerSecond | Should -Be ([math]::Round($native.PacketsPerSecond * 64 * 8))
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
        $before = @(& ip netns list)
        Measure-HookThroughput -Program drop -Hook XdpNative -Count 10000 | Should -Not -BeNullOrEmpty
        @(& ip netns list) | Should -Be $before
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

    It 'a duration of zero: InvalidDuration' {
        $e = Get-Error { Measure-HookThroughput -Program drop -Duration 0 -Network $net }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidDuration,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Measure-HookThroughput stopped with Ctrl+C' {
    It 'detaches what it attached and removes the network it made' {
        $before = @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] })
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; Measure-HookThroughput -Program drop -Hook XdpNative, TcIngress -Duration 30")
        $async = $ps.BeginInvoke()
        # Wait until its network exists and a hook is attached, then stop it as Ctrl+C does.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            Start-Sleep -Milliseconds 200
            $made = @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -notin $before })
            $attached = $made.Count -gt 0 -and (@(Get-XdpProgram -AllNamespaces | Where-Object NetNamespace -In $made).Count + @($made | ForEach-Object { Get-TcProgram -NetNamespace $_ }).Count) -gt 0
        } until ($attached -or [DateTime]::UtcNow -gt $deadline)
        $attached | Should -BeTrue -Because 'the measurement should have started'
        $ps.Stop()
        $ps.Dispose()
        @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -notin $before }) | Should -BeNullOrEmpty
        @(Get-BpfTestNetwork | Where-Object { $_.Namespaces[0] -in $made }) | Should -BeNullOrEmpty
    }
}
