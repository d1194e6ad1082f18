# Export-BpfTestPacket's two formats (issue 19 item 8): Raw is what bpftool prog run data_in reads, and gives the
# verdict Invoke-BpfProgramTest gives for the same packet; Pcap is what tcpdump reads.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:pins = New-ScratchPinPath 'ebpfps-export'
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject guard) -PinPath $pins
    Set-BpfMapEntry -InputObject $obj -MapName blocked -Key 198.18.0.1 -Value 1
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject }
    Remove-ScratchState
}

Describe 'Export-BpfTestPacket -Format Raw' {
    It 'writes the packet''s bytes and nothing else' {
        $p = New-BpfTestPacket -Source 198.18.0.1
        $file = $p | Export-BpfTestPacket -LiteralPath (Join-Path $TestDrive 'one.bin') -Format Raw
        [IO.File]::ReadAllBytes($file.FullName) | Should -Be $p.Bytes
    }

    It 'bpftool prog run data_in on the Raw file gives Invoke-BpfProgramTest''s verdict for <Program> from <Source>' -ForEach @(
        @{ Program = 'guard_xdp'; Source = '198.18.0.1' }, @{ Program = 'guard_xdp'; Source = '198.18.0.7' }
        @{ Program = 'guard_tc'; Source = '198.18.0.1' }, @{ Program = 'guard_tc'; Source = '198.18.0.7' }) {
        $p = New-BpfTestPacket -Source $Source
        $raw = Join-Path $TestDrive "$Program-$Source.bin"
        $p | Export-BpfTestPacket -LiteralPath $raw -Format Raw | Out-Null
        $ours = Invoke-BpfProgramTest -Program $obj -ProgramName $Program -Packet $p
        $theirs = Invoke-Json bpftool -j prog run pinned "$pins/$Program" data_in $raw
        $theirs.retval | Should -Be $ours.ReturnValue
        $blocked = $Source -eq '198.18.0.1'
        $ours.Action | Should -Be $(if ($blocked) { 'Drop' } else { 'Pass' })
    }

    It 'the Pcap file of the same packet gives bpftool another verdict (why Raw exists)' {
        $p = New-BpfTestPacket -Source 198.18.0.1
        $pcap = Join-Path $TestDrive 'blocked.pcap'
        $p | Export-BpfTestPacket -LiteralPath $pcap | Out-Null
        (Invoke-Json bpftool -j prog run pinned "$pins/guard_xdp" data_in $pcap).retval | Should -Be 2 -Because 'XDP_PASS: the pcap header is no IPv4 frame'
        (Invoke-BpfProgramTest -Program $obj -ProgramName guard_xdp -Packet $p).ReturnValue | Should -Be 1
    }

    It 'refuses several packets with RawNeedsOnePacket and writes nothing' {
        $p = New-BpfTestPacket
        $file = Join-Path $TestDrive 'two.bin'
        $e = Get-Error { $p, $p | Export-BpfTestPacket -LiteralPath $file -Format Raw }
        $e.FullyQualifiedErrorId | Should -BeLike 'RawNeedsOnePacket,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
        Test-Path -LiteralPath $file | Should -BeFalse
    }
}

Describe 'Export-BpfTestPacket: paths no file can have' {
    It 'a NUL in -LiteralPath is FileWriteFailed (<Format>), not an ArgumentException' -ForEach @(
        @{ Format = 'Raw' }, @{ Format = 'Pcap' }) {
        $e = Get-Error { New-BpfTestPacket | Export-BpfTestPacket -LiteralPath "$TestDrive/a`0b" -Format $Format }
        $e.FullyQualifiedErrorId | Should -BeLike 'FileWriteFailed,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
    }
}

Describe 'Export-BpfTestPacket -Format Pcap' {
    It 'is the default, and tshark reads every packet back' {
        $packets = @((New-BpfTestPacket -Source 198.18.0.1), (New-BpfTestPacket -Source 198.18.0.5))
        $pcap = Join-Path $TestDrive 'two.pcap'
        $packets | Export-BpfTestPacket -LiteralPath $pcap | Out-Null
        $lines = @(& tshark -n -r $pcap -T fields -e ip.src 2>$null)
        $lines.Count | Should -Be 2
        $lines | Should -Be @('198.18.0.1', '198.18.0.5')
    }
}
