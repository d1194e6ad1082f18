# Honest rows (issue 20): runs per delivered frame show GRO merging frames before TC and not before XDP; what was
# not measured stays empty; -Duration means what it says; a program that passes frames is named for it.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:pair = New-BpfTestNetwork
    $script:routed = New-BpfTestNetwork -Topology Routed
    function Get-Gro($i) {
        [bool](& ip netns exec $i.NetNamespace ethtool -k $i.Interface | Select-String '^generic-receive-offload: on')
    }
}

AfterAll {
    if ($pair) { Remove-BpfTestNetwork $pair.Name -Confirm:$false }
    if ($routed) { Remove-BpfTestNetwork $routed.Name -Confirm:$false }
}

Describe 'Measure-HookThroughput -Traffic Tcp: frames per program run, with and without receive offload' {
    It 'with GRO on the router (the default), XDP runs once per frame and TC once per merged train' {
        $ra, $rb = $routed['RouterA'], $routed['RouterB']
        Get-Gro $ra | Should -BeTrue -Because 'a test network has GRO on, as a router has'
        $r = Measure-HookThroughput -Program router -Routed -Traffic Tcp -Hook XdpNative, TcIngress -Network $routed -Duration 1 -WarningVariable w
        $native = $r | Where-Object Hook -EQ XdpNative
        $tc = $r | Where-Object Hook -EQ TcIngress
        foreach ($row in $r) {
            $row.ReceiveOffload | Should -Be 'On'
            $row.ProgramRuns | Should -BeGreaterThan 0
            $row.Packets | Should -BeGreaterThan 0
            $row.FramesPerProgramRun | Should -Be ([Math]::Round($row.Packets / $row.ProgramRuns, 2))
            $row.Sent | Should -BeNullOrEmpty -Because 'nothing counts the TCP segments sent'
            $row.Lost | Should -BeNullOrEmpty
            $row.Spread | Should -BeNullOrEmpty -Because 'one iperf3 run has no spread'
            $row.ProgramVerdict | Should -BeNullOrEmpty -Because 'the router redirects A to B itself'
            $row.StackReceived | Should -BeLessThan (0.01 * $row.ProgramRuns)
        }
        $native.FramesPerProgramRun | Should -BeGreaterThan 0.5
        $native.FramesPerProgramRun | Should -BeLessThan 1.5
        $tc.FramesPerProgramRun | Should -BeGreaterThan 2 -Because 'GRO merged frames before TC'
        @($w | Where-Object { "$_" -match 'PASS|TC_ACT_OK' }) | Should -BeNullOrEmpty
        ($r | Format-Table | Out-String -Width 200) | Should -Not -Match '\d,\d{3}\.\s*$' -Because 'ns/pkt fits its column'
    }

    It 'with -ReceiveOffload Off every hook sees every frame, and GRO is back on afterwards' {
        $ra, $rb = $routed['RouterA'], $routed['RouterB']
        $r = Measure-HookThroughput -Program router -Routed -Traffic Tcp -Hook XdpNative, TcIngress -Network $routed -Duration 1 -ReceiveOffload Off
        foreach ($row in $r) {
            $row.ReceiveOffload | Should -Be 'Off'
            $row.FramesPerProgramRun | Should -BeGreaterThan 0.5 -Because "$($row.Hook) runs for every frame"
            $row.FramesPerProgramRun | Should -BeLessThan 1.5 -Because "$($row.Hook) runs for every frame"
            $row.Note | Should -Match 'GRO off'
        }
        Get-Gro $ra | Should -BeTrue
        Get-Gro $rb | Should -BeTrue
        $routed.Namespaces | ForEach-Object { @(& ip netns pids $_) } | Should -BeNullOrEmpty
    }

    It '-ReceiveOffload Off with live frames: TrafficOptionNotSupported, nothing changed' {
        $before = Get-KernelSnapshot
        $e = Get-Error { Measure-HookThroughput -Program drop -Network $pair -ReceiveOffload Off -Count 1000 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'TrafficOptionNotSupported,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }
}

Describe 'Measure-HookThroughput with live frames: runs per frame and the program''s verdict' {
    It 'drop at XdpNative runs once per frame, passes nothing to the stack and is not warned about' {
        $r = Measure-HookThroughput -Program drop -Hook XdpNative -Network $pair -Count 20000 -WarningVariable w
        $r.FramesPerProgramRun | Should -BeGreaterThan 0.9
        $r.FramesPerProgramRun | Should -BeLessThan 1.1
        $r.ProgramVerdict | Should -BeNullOrEmpty
        $r.StackReceived | Should -BeLessThan 100
        $r.Sent | Should -Be 20000 -Because 'live frames count what was sent'
        $r.Spread | Should -BeNullOrEmpty -Because 'one sample has no spread'
        @($w) | Should -BeNullOrEmpty
    }

    It 'a counter that passes frames on is warned about, naming the verdict at each hook' {
        $r = Measure-HookThroughput -Program count_pass -Hook XdpNative, TcIngress -Network $pair -Count 20000 -WarningVariable w
        ($r | Where-Object Hook -EQ XdpNative).ProgramVerdict | Should -Be 'XDP_PASS'
        ($r | Where-Object Hook -EQ TcIngress).ProgramVerdict | Should -Be 'TC_ACT_OK'
        foreach ($row in $r) { $row.StackReceived | Should -BeGreaterOrEqual (0.9 * $row.ProgramRuns) -Because 'each passed frame reached IP in B''s namespace' }
        @($w | Where-Object { "$_" -match '^XdpNative: .*XDP_PASS.*kernel''s stack' }) | Should -HaveCount 1
        @($w | Where-Object { "$_" -match '^TcIngress: .*TC_ACT_OK' }) | Should -HaveCount 1
    }
}

Describe 'Measure-HookThroughput -Duration' {
    It '-Duration 4s takes 4-second samples (PowerShell reads 4s as the Int16 4)' {
        $r = Measure-HookThroughput -Program drop -Hook XdpNative -Network $pair -Duration 4s
        $r.Seconds | Should -BeGreaterOrEqual 3.9
        $r.Seconds | Should -BeLessThan 8
    }

    It '-Duration 500ms takes half-second samples' {
        $r = Measure-HookThroughput -Program drop -Hook XdpNative -Network $pair -Duration 500ms
        $r.Seconds | Should -BeGreaterOrEqual 0.45
        $r.Seconds | Should -BeLessThan 4
    }

    It '-Duration 4x is refused, naming the forms it takes' {
        $e = Get-Error { Measure-HookThroughput -Program drop -Hook XdpNative -Network $pair -Duration 4x }
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        "$($e.Exception.Message)" | Should -Match '500ms'
    }
}
