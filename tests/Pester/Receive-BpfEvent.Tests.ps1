# Events from a ring buffer and a perf event array, decoded by the program's BTF type and compared field by field
# with the frames that were sent: by test runs of the program (ring buffer) and by bpftool prog run while the
# reader waits (perf event array).
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject events)
    $script:prog = $obj.GetProgram('emit_events')
    $script:packet = New-BpfTestPacket -Udp -Source 198.18.0.1 -Destination 198.18.0.2 -SourcePort 4000 -DestinationPort 5001 -Ttl 33 -FrameLength 90
    $script:perfMap = $obj.Maps | Where-Object Name -EQ events_perf
    # bpftool cannot tell a filled perf event array slot from an empty one (both read as ENOTSUPP); the perf
    # events a reader opens are file descriptors of this process.
    function Get-PerfEventFdCount { @(Get-ChildItem /proc/$PID/fd | Where-Object LinkTarget -EQ 'anon_inode:[perf_event]').Count }
    function Assert-Event($Row, [int] $Seq) {
        $Row.seq | Should -Be $Seq
        $Row.saddr | Should -Be $packet.Source
        $Row.daddr | Should -Be $packet.Destination
        $Row.sport | Should -Be $packet.SourcePort
        $Row.dport | Should -Be $packet.DestinationPort
        $Row.protocol | Should -Be 17
        $Row.ttl | Should -Be $packet.Ttl
        $Row.len | Should -Be $packet.Length
        $Row.src_mac | Should -Be $packet.SourceMac
        $Row.tag | Should -Be 'udp'
    }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Receive-BpfEvent' {
    It 'reads a ring buffer: one flat row per frame the program saw, fields as sent' {
        (Invoke-BpfProgramTest -Program $prog -Packet $packet -Repeat 3).Verdict | Should -Be XDP_PASS
        $rows = @(Receive-BpfEvent -InputObject $obj -MapName events_ring -TypeName 'struct pkt_event' -Count 3 -Timeout 10)
        $rows.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) { Assert-Event $rows[$i] $i }
        $rows[0].Cpu | Should -BeNullOrEmpty
        $rows[0].Size | Should -Be 40
        $rows[0].PSObject.TypeNames[0] | Should -Be 'EbpfPs.BpfEvent'
    }

    It 'writes rows Export-Csv turns into one column per field' {
        $null = Invoke-BpfProgramTest -Program $prog -Packet $packet -Repeat 2
        $csv = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-events-$PID.csv"
        try {
            Receive-BpfEvent -InputObject $obj -MapName events_ring -TypeName pkt_event -Count 2 -Timeout 10 | Export-Csv -LiteralPath $csv
            $back = @(Import-Csv -LiteralPath $csv)
            $back.Count | Should -Be 2
            $back[0].saddr | Should -Be '198.18.0.1'
            $back[1].dport | Should -Be '5001'
            $back[0].PSObject.Properties.Name | Should -Contain 'src_mac'
        }
        finally { Remove-Item -LiteralPath $csv -ErrorAction Ignore }
    }

    It 'reads a perf event array while bpftool prog run sends frames, with the CPU of each record' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-events-$PID.bin"
        [IO.File]::WriteAllBytes($file, $packet.Bytes)
        $sender = Start-Process bash -ArgumentList "-c `"sleep 1; bpftool prog run id $($prog.Id) data_in $file repeat 4`"" -RedirectStandardOutput /dev/null -PassThru
        try {
            $rows = @(Receive-BpfEvent -Id $perfMap.Id -TypeName 'struct pkt_event' -Count 4 -Timeout 20)
            $sender.WaitForExit()
            $rows.Count | Should -Be 4
            $first = $rows[0].seq
            for ($i = 0; $i -lt 4; $i++) { Assert-Event $rows[$i] ($first + $i) }
            $rows | ForEach-Object { $_.Cpu | Should -BeGreaterOrEqual 0 }
            Get-PerfEventFdCount | Should -Be 0 -Because 'the reader closed its perf events when it stopped'
        }
        finally { Remove-Item -LiteralPath $file -ErrorAction Ignore }
    }

    It 'gives raw bytes without -TypeName, and stops at -Timeout when nothing comes' {
        $null = Receive-BpfEvent -InputObject $obj -MapName events_ring -Timeout 0.3  # what bpftool prog run left
        $null = Invoke-BpfProgramTest -Program $prog -Packet $packet
        $raw = Receive-BpfEvent -InputObject $obj -MapName events_ring -Count 1 -Timeout 10
        $raw.Data.Length | Should -Be 80
        $raw.Data.Substring(16, 8) | Should -Be 'c6120001'
        @(Receive-BpfEvent -InputObject $obj -MapName events_ring -Timeout 0.3).Count | Should -Be 0
    }

    It 'stops on Ctrl+C and frees its reader' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddArgument((Get-Module EbpfPs).Path).AddStatement()
            $null = $ps.AddCommand('Receive-BpfEvent').AddParameter('Id', $perfMap.Id)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            while ((Get-PerfEventFdCount) -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Get-PerfEventFdCount | Should -BeGreaterThan 0 -Because 'the reader opened a perf event per CPU'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-PerfEventFdCount | Should -Be 0
        }
        finally { $ps.Dispose() }
    }

    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a type the BTF does not have'; Params = @{ MapName = 'events_ring'; TypeName = 'struct nosuch' }; Id = 'EventTypeNotFound'; Text = '*struct pkt_event*' }
        @{ Case = 'a map that is not an event stream'; Params = @{ MapName = 'events_ring.bss' }; Id = 'EventMapTypeUnsupported'; Text = '*ringbuf*' }
    ) {
        if ($Params.MapName -like '*.bss') { $Params.MapName = ($obj.Maps | Where-Object Name -like '*.bss').Name }
        $e = Get-Error { Receive-BpfEvent -InputObject $obj @Params -Timeout 1 }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.Exception.Message | Should -BeLike $Text
    }
}
