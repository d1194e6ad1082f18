# What every cmdlet's output looks like where people read it: the default view at 80 columns (a terminal, or
# output redirected to a file) with nothing cut and no header broken, and Format-List of each.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    . $PSScriptRoot/OutputSamples.ps1
    . $PSScriptRoot/ViewFit.ps1

    # Each output type of each cmdlet, by the name its view is selected by.
    $script:outputTypes = Get-Command -Module EbpfPs | ForEach-Object {
        foreach ($t in $_.OutputType) { if ($t.Name -ne 'System.Void') { [pscustomobject]@{ Command = $_.Name; Type = $t.Name } } }
    }

    # A header wrapped onto two lines ('Pro', 'gra', ...) stands above the dashes as more than one line.
    function Get-BrokenHeader([string] $Text) {
        $lines = $Text -split "`r?`n"
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^[\s-]*-[\s-]*$') { continue }
            if ($i -ge 2 -and $lines[$i - 2].Trim() -and $lines[$i - 1].Trim()) { $lines[($i - 2)..$i] -join "`n" }
        }
    }
}

AfterAll {
    if ($sample.Network) { Remove-BpfTestNetwork $sample.Network.Name -Confirm:$false }
    foreach ($o in $sample.Object, $sample.Events, $sample.ValueMaps) { if ($o) { $o | Remove-BpfObject -Confirm:$false } }
    if ($sample['System.IO.FileInfo']) { Remove-Item -LiteralPath $sample['System.IO.FileInfo'].FullName }
    Remove-ScratchState
}

Describe 'Output shape: default views at 80 columns' {
    It 'every output type of every cmdlet has a sample here' {
        @($outputTypes | Where-Object { -not $sample.Contains($_.Type) } | ForEach-Object { "$($_.Command): $($_.Type)" }) |
            Should -BeNullOrEmpty
    }

    It '<_> fits 80 columns: nothing cut, no header broken' -ForEach @(
        'EbpfPs.XdpAttachment', 'EbpfPs.TcAttachment', 'EbpfPs.BpfTestNetwork', 'EbpfPs.BpfTestInterface', 'EbpfPs.BpfObject',
        'EbpfPs.BpfLoadedProgram', 'EbpfPs.BpfLoadedMap', 'EbpfPs.BpfProgramInfo', 'EbpfPs.BpfMapInfo', 'EbpfPs.BpfLinkInfo',
        'EbpfPs.BpfBtfType', 'EbpfPs.BpfInstruction', 'EbpfPs.BpfJitedCode', 'EbpfPs.BpfPin',
        'EbpfPs.BpfMapEntry', 'EbpfPs.BpfMapEntry#PerCpu', 'EbpfPs.BpfMapEntry#CpuSum', 'EbpfPs.BloomFilterAnswer', 'EbpfPs.BpfMapBatch', 'EbpfPs.MapSample', 'EbpfPs.BpfFeature',
        'EbpfPs.BpfStatisticsState', 'EbpfPs.BpfTestPacket', 'EbpfPs.ProgramTestResult', 'EbpfPs.TestPacketsSent',
        'EbpfPs.HookThroughput', 'EbpfPs.BpfStateDifference', 'EbpfPs.BpfEvent', 'System.IO.FileInfo'
    ) {
        $objects = @($sample[$_])
        $objects | Should -Not -BeNullOrEmpty -Because "the sample of $_ is made from real kernel objects"
        $text = $objects | Out-String -Width 80
        $text | Should -Not -Match '…|\.\.\.' -Because "nothing is cut at 80 columns:`n$text"
        Get-BrokenHeader $text | Should -BeNullOrEmpty -Because "no header wraps at 80 columns:`n$text"
        @($text -split "`r?`n" | Where-Object Length -GT 80) | Should -BeNullOrEmpty
        { $objects | Format-List | Out-String -Width 80 } | Should -Not -Throw
        { $objects | Format-List * | Out-String -Width 80 } | Should -Not -Throw
    }

    It 'the time column of <Type> shows the time the view means, not the ISO text exports get' -ForEach @(
        @{ Type = 'EbpfPs.MapSample'; Pattern = '^\s*\d*!?\s+\d\d:\d\d:\d\d\.\d{3} ' }
        @{ Type = 'EbpfPs.BpfEvent'; Pattern = '^\d\d:\d\d:\d\d\.\d{3} ' }
        @{ Type = 'EbpfPs.BpfProgramInfo'; Pattern = ' \d{4}-\d\d-\d\d \d\d:\d\d:\d\d' }
    ) {
        $rows = @(@($sample[$Type]) | Format-Table | Out-String -Width 80 -Stream | Select-Object -Skip 3 |
            Where-Object { $_.Trim() })
        $rows | Should -Not -BeNullOrEmpty
        $rows[0] | Should -Match $Pattern
        ($rows -join "`n") | Should -Not -Match 'T\d\d:\d\d' -Because 'the view formats the time itself'
    }

    It 'the named wide views render: Format-Table -View Wide of <_>' -ForEach @(
        'EbpfPs.XdpAttachment', 'EbpfPs.TcAttachment', 'EbpfPs.BpfTestInterface', 'EbpfPs.BpfObject', 'EbpfPs.BpfLoadedProgram',
        'EbpfPs.BpfProgramInfo', 'EbpfPs.BpfMapInfo', 'EbpfPs.BpfTestPacket', 'EbpfPs.ProgramTestResult', 'EbpfPs.HookThroughput'
    ) {
        $text = @($sample[$_])[0] | Format-Table -View Wide | Out-String -Width 200
        Get-BrokenHeader $text | Should -BeNullOrEmpty
        $text | Should -Not -Match '…'
    }
}

BeforeDiscovery {
    # Every output type with a default view in formats/*.ps1xml (FileInfo's view is PowerShell's own).
    $viewTypes = @(
    'EbpfPs.XdpAttachment', 'EbpfPs.TcAttachment', 'EbpfPs.BpfTestNetwork', 'EbpfPs.BpfTestInterface', 'EbpfPs.BpfObject',
    'EbpfPs.BpfLoadedProgram', 'EbpfPs.BpfLoadedMap', 'EbpfPs.BpfProgramInfo', 'EbpfPs.BpfMapInfo', 'EbpfPs.BpfLinkInfo',
    'EbpfPs.BpfBtfType',
    'EbpfPs.BpfMapEntry', 'EbpfPs.BpfMapEntry#PerCpu', 'EbpfPs.BpfMapEntry#CpuSum', 'EbpfPs.BloomFilterAnswer', 'EbpfPs.BpfMapBatch', 'EbpfPs.MapSample', 'EbpfPs.BpfFeature',
    'EbpfPs.BpfStatisticsState', 'EbpfPs.BpfTestPacket', 'EbpfPs.ProgramTestResult', 'EbpfPs.TestPacketsSent',
    'EbpfPs.HookThroughput', 'EbpfPs.BpfStateDifference', 'EbpfPs.BpfEvent',
    'EbpfPs.BpfInstruction', 'EbpfPs.BpfJitedCode', 'EbpfPs.BpfPin'
)
}

Describe 'Output shape: realistic long values at 80 and 120 columns' {
    BeforeAll {
        # Every feature the kernel reports (paths, sysctl names, errno text), not only the System ones.
        $script:longSamples = @{ 'EbpfPs.BpfFeature' = @(Get-BpfFeature) }
    }

    It 'the check finds a word or number broken over two lines and a dropped column' {
        $probe = [pscustomobject]@{ Name = 'net.core.bpf_jit_enable'; Rate = '12,001.9'; Path = '/sys/fs/bpf/a/b'; Cpu = 1 }
        $columns = @(
            @{ Label = 'Name'; Width = 10; Value = $probe.Name }, @{ Label = 'Rate'; Width = 6; Value = $probe.Rate }
            @{ Label = 'Path'; Width = 70; Value = $probe.Path }, @{ Label = 'Cpu'; Width = 3; Value = $probe.Cpu }
        )
        $table = $probe | Format-Table -Wrap -Property @($columns | ForEach-Object {
                @{ Label = $_.Label; Width = $_.Width; Expression = [scriptblock]::Create("`$_.$($_.Label)") } }) |
            Out-String -Width 80
        $problems = @(Get-TableFitProblem $table $columns 80 $null)
        ($problems -join "`n") | Should -Match "Name: 'bpf_jit_enable' is not whole"
        ($problems -join "`n") | Should -Match "Rate: '12,001\.9' is not whole"
        ($problems -join "`n") | Should -Match 'column Cpu is not shown' -Because 'PowerShell drops what does not fit'
    }

    It '<_> shows every word and number whole at 80 and 120 columns' -ForEach $viewTypes {
        $type = $_
        $objects = @(if ($longSamples[$type]) { $longSamples[$type] } else { $sample[$type] })
        $objects | Should -Not -BeNullOrEmpty
        $problems = foreach ($o in $objects) {
            $long = Copy-WithLongValues $o $type
            foreach ($width in 80, 120) { Get-ViewFitProblem $long $type $width }
        }
        @($problems) | Should -BeNullOrEmpty
    }

    It 'every output type this module formats is checked here' -ForEach @(@{ Listed = $viewTypes }) {
        $formatted = @($outputTypes.Type | Where-Object { $_ -like 'EbpfPs.*' } | Select-Object -Unique)
        @($formatted | Where-Object { $_ -notin $Listed }) | Should -BeNullOrEmpty
    }
}

Describe 'Output shape: flat exports' {
    BeforeAll {
        # A cell that is a struct, a hashtable, or a .NET type name instead of a value.
        function Get-NotFlatCell([object[]] $Objects) {
            foreach ($row in $Objects | ConvertTo-Csv | ConvertFrom-Csv) {
                foreach ($p in $row.PSObject.Properties) {
                    if ("$($p.Value)" -match '\{|@\{|\bSystem\.[A-Z]|\bEbpfPs\.[A-Z]') { "$($p.Name)=$($p.Value)" }
                }
            }
        }
        $script:iso = '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)?$'
        $script:allEntries = $sample['EbpfPs.BpfMapEntry']
        $script:flowEntries = @($allEntries | Where-Object Map -EQ rout_stats)
    }

    It 'ConvertTo-Csv of <Name> has no cell with {, @{ or a .NET type name' -ForEach @(
        @{ Name = 'struct keys and values'; Map = 'rout_stats' }
        @{ Name = 'a scalar key, nested structs and array fields'; Map = 'shapes' }
        @{ Name = 'per-CPU values, summed'; Map = 'pcpu' }
        @{ Name = 'per-CPU values, each CPU'; Type = 'EbpfPs.BpfMapEntry#PerCpu' }
        @{ Name = 'Watch-BpfMap samples'; Type = 'EbpfPs.MapSample' }
        @{ Name = 'Measure-HookThroughput results'; Type = 'EbpfPs.HookThroughput' }
        @{ Name = 'Get-BpfProgram objects'; Type = 'EbpfPs.BpfProgramInfo' }
        @{ Name = 'Get-XdpProgram objects'; Type = 'EbpfPs.XdpAttachment' }
        @{ Name = 'Get-TcProgram objects'; Type = 'EbpfPs.TcAttachment' }
        @{ Name = 'Receive-BpfEvent rows'; Type = 'EbpfPs.BpfEvent' }
        @{ Name = 'test networks'; Type = 'EbpfPs.BpfTestNetwork' }
        @{ Name = 'objects'; Type = 'EbpfPs.BpfObject' }
        @{ Name = 'BTF types'; Type = 'EbpfPs.BpfBtfType' }
        @{ Name = 'pins'; Type = 'EbpfPs.BpfPin' }
    ) {
        $objects = if ($Map) { @($allEntries | Where-Object Map -EQ $Map) } else { @($sample[$Type]) }
        $objects | Should -Not -BeNullOrEmpty
        Get-NotFlatCell $objects | Should -BeNullOrEmpty
    }

    It 'map entries export one column per key and value field, and scripts still reach the fields' {
        $rows = @($flowEntries | ConvertTo-Csv | ConvertFrom-Csv)
        @($rows[0].PSObject.Properties.Name) | Should -Be @('MapId', 'Map', 'Key.src', 'Key.dst', 'Value.packets', 'Value.bytes')
        $flowEntries[0].Key.src | Should -Be $rows[0].'Key.src'
        $flowEntries[0].Value.packets | Should -BeOfType [uint64]
        # bpftool reads the same counters (per CPU, keys as network-order integers).
        $dump = Invoke-Json bpftool -j map dump id $flowEntries[0].MapId
        foreach ($r in $rows) {
            $src, $dst = $r.'Key.src', $r.'Key.dst' | ForEach-Object { [BitConverter]::ToUInt32(([ipaddress]$_).GetAddressBytes(), 0) }
            $theirs = ($dump | Where-Object { $_.formatted.key.src -eq $src -and $_.formatted.key.dst -eq $dst }).formatted.values.value
            [uint64]$r.'Value.packets' | Should -Be ($theirs.packets | Measure-Object -Sum).Sum
            [uint64]$r.'Value.bytes' | Should -Be ($theirs.bytes | Measure-Object -Sum).Sum
        }
    }

    It 'nested fields are dotted, arrays of structs indexed, other arrays joined, per-CPU values one column per field' {
        $shape = ($allEntries | Where-Object Map -EQ shapes | ConvertTo-Csv | ConvertFrom-Csv)[0]
        $shape.'Value.corners[1].y' | Should -Be '-4'
        $shape.'Value.tag.as_u32' | Should -Be '67305985'
        $shape.'Value.tag.as_bytes' | Should -Be '01020304'
        $cpus = @($sample['EbpfPs.BpfMapEntry#PerCpu'].PerCpu).Count
        $perCpu = ($sample['EbpfPs.BpfMapEntry#PerCpu'] | ConvertTo-Csv | ConvertFrom-Csv)[0]
        $perCpu.'PerCpu.packets' | Should -Be ((@(5) * $cpus) -join ' ')
        $perCpu.'Value.packets' | Should -Be (5 * $cpus)
    }

    It 'times are ISO 8601 with milliseconds and lists are joined, in CSV' {
        $watch = @($sample['EbpfPs.MapSample'] | ConvertTo-Csv | ConvertFrom-Csv)
        $watch[0].Timestamp | Should -Match $iso
        $prog = $sample['EbpfPs.BpfProgramInfo'] | Where-Object { $_.MapIds.Count -gt 1 } | Select-Object -First 1
        $row = $prog | ConvertTo-Csv | ConvertFrom-Csv
        $row.LoadedAt | Should -Match $iso
        $row.MapIds | Should -Be ($prog.MapIds -join ' ')
        # Scripts still get the array and the time.
        $prog.MapIds -contains $prog.MapIds[0] | Should -BeTrue
        ($prog.LoadedAt - [datetime]::MinValue).Ticks | Should -BeGreaterThan 0
        ($sample['EbpfPs.BpfEvent'] | ConvertTo-Csv | ConvertFrom-Csv).Timestamp | Should -Match $iso
    }

    It 'ConvertTo-Json names enums and writes integer counters as integers' {
        $json = $sample['EbpfPs.HookThroughput'] | ConvertTo-Json
        $json | Should -Match '"Hook": "XdpNative"'
        $json | Should -Match '"Traffic": "LiveFrames"'
        $json | Should -Match '"Packets": \d+,'
        ($sample['EbpfPs.XdpAttachment'][0] | ConvertTo-Json) | Should -Match '"Mode": "Generic"'
        ($sample['EbpfPs.ProgramTestResult'] | ConvertTo-Json -Depth 1 -WarningAction Ignore) | Should -Match '"Action": "Drop"'
        $watch = $sample['EbpfPs.MapSample'][0] | ConvertTo-Json
        $watch | Should -Match '"packets": \d+,'
        $watch | Should -Match '"packetsDelta": -?\d+,'
    }

    It 'ConvertTo-Json writes each field of a map entry once, nested as scripts read it; Export-Csv keeps the flat columns' {
        $json = $flowEntries | ConvertTo-Json -Depth 5
        $back = @($json | ConvertFrom-Json)
        @($back[0].PSObject.Properties.Name) | Should -Be @('MapId', 'Map', 'Key', 'Value')
        $json | Should -Not -Match '"(Key|Value)\.' -Because 'the flat columns are for CSV'
        $json | Should -Not -Match 'null' -Because 'a field without a value is left out'
        for ($i = 0; $i -lt $flowEntries.Count; $i++) {
            $back[$i].Key.src | Should -Be $flowEntries[$i].Key.src
            $back[$i].Value.packets | Should -Be $flowEntries[$i].Value.packets
        }
        # Per-CPU entries keep their CPUs' values, once.
        $perCpu = $sample['EbpfPs.BpfMapEntry#PerCpu'] | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        @($perCpu.PSObject.Properties.Name) | Should -Be @('MapId', 'Map', 'Key', 'Value', 'PerCpu')
        @($perCpu.PerCpu.packets) | Should -Be @($sample['EbpfPs.BpfMapEntry#PerCpu'].PerCpu.packets)
        # Export-Csv, with no step in between, still writes a column per field.
        $csv = Join-Path $TestDrive 'flows.csv'
        $flowEntries | Export-Csv -LiteralPath $csv
        @((Import-Csv -LiteralPath $csv)[0].PSObject.Properties.Name) |
            Should -Be @('MapId', 'Map', 'Key.src', 'Key.dst', 'Value.packets', 'Value.bytes')
    }

    It 'ConvertTo-Json writes packet bytes as one hex text, not a number per line' {
        $result = $sample['EbpfPs.ProgramTestResult']
        $json = $result | ConvertTo-Json -Depth 3
        $back = $json | ConvertFrom-Json
        $back.OutputPacket.PSObject.Properties.Name | Should -Not -Contain 'Bytes'
        $back.OutputPacket.Hex | Should -Be ([Convert]::ToHexString($result.OutputPacket.Bytes).ToLowerInvariant())
        # The frame starts with the destination MAC the packet was built with.
        $back.InputPacket.Hex | Should -BeLike (($result.InputPacket.DestinationMac -replace ':') + '*')
        ($json -split "`n").Count | Should -BeLessThan 60 -Because "a $($result.OutputPacket.Length)-byte frame is one line"
        $result.OutputPacket.Bytes | Should -BeOfType [byte] -Because 'scripts still get the bytes'
    }

    It 'map entries that cross remoting serialization keep their key and value' {
        foreach ($e in $flowEntries) {
            $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($e))
            # A per-CPU map's summed entry leads with the name its view is picked by, then the class's own.
            $back.pstypenames[0] | Should -BeIn @('Deserialized.EbpfPs.BpfMapEntry', 'Deserialized.EbpfPs.BpfMapEntry#CpuSum')
            $back.pstypenames | Should -Contain 'Deserialized.EbpfPs.BpfMapEntry'
            $back.Key.src | Should -Be $e.Key.src
            $back.Value.packets | Should -BeOfType [uint64]
            $back.Value.packets | Should -Be $e.Value.packets
        }
    }

    It 'names a struct key given as a hashtable by its fields in the not-found error' {
        $err = Get-Error { Get-BpfMapEntry -Id $flowEntries[0].MapId -Key @{ src = '198.18.9.9'; dst = '198.18.9.8' } }
        $err.FullyQualifiedErrorId | Should -BeLike 'MapEntryNotFound,*'
        $err.Exception.Message | Should -Match 'src=198\.18\.9\.9'
        $err.Exception.Message | Should -Not -Match 'Hashtable|Dictionary'
    }
}
