# -Top and -SortBy of Get-BpfMapEntry and Watch-BpfMap: rankings checked against bpftool's dump of the same
# maps (filled by bpftool itself, and per CPU by Set-BpfMapEntry), ties by the key's bytes, and the watch's clock
# read from the samples' own Scheduled/LateSeconds/Late.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject top_flows)
    $script:flows = $obj.Maps | Where-Object Name -EQ top_flows
    $script:pcpu = $obj.Maps | Where-Object Name -EQ top_pcpu
    $script:cpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1

    # key: saddr 198.18.x.y, daddr 198.19.0.1, sport 80, dport (be16) spread over both bytes, proto 6.
    function New-FlowKey([int] $i) {
        [byte[]] @(198, 18, ($i -shr 8), ($i -band 255), 198, 19, 0, 1, 0, 80, ($i % 3), (255 - $i % 5), 6, 0, 0, 0)
    }
    # bpftool writes the plain map: 3000 flows with many ties in packets, bytes and drift.
    $lines = foreach ($i in 0..2999) {
        $v = [byte[]]::new(40)
        [BitConverter]::GetBytes([uint64]($i % 500)).CopyTo($v, 0)
        [BitConverter]::GetBytes([uint64](($i * 7919) % 1009)).CopyTo($v, 8)
        [BitConverter]::GetBytes([int](($i % 41) - 20)).CopyTo($v, 16)
        [BitConverter]::GetBytes([double]((($i * 13) % 97 - 48) / 4)).CopyTo($v, 32)
        "map update id $($flows.Id) key $((New-FlowKey $i) -join ' ') value $($v -join ' ')"
    }
    $batch = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-top-$PID.batch"
    $lines | Set-Content $batch
    $null = & bpftool batch file $batch
    if ($LASTEXITCODE -ne 0) { throw 'bpftool batch failed' }
    Remove-Item $batch

    # The per-CPU map gets different values on each CPU, so CPU 0's order is not the sum's.
    foreach ($i in 0..399) {
        $k = New-FlowKey $i
        $key = @{ saddr = "198.18.$($k[2]).$($k[3])"; daddr = '198.19.0.1'; sport = 80; dport = $k[10] * 256 + $k[11]; proto = 6 }
        $values = foreach ($c in 0..($cpus - 1)) {
            @{ packets = $i; bytes = (($i * 37 + $c * 1009 * ($i % 13)) % 5003); drift = 0; label = 'x'; band = @{ lo = 0; hi = 0 }; ratio = 0 }
        }
        Set-BpfMapEntry -InputObject $pcpu -Key $key -Value @($values)
    }

    # bpftool's dump as rows: the key's bytes as hex and the numbers read from the value's bytes (summed over CPUs).
    function Get-DumpRows([uint32] $Id) {
        # bpftool 7.1 writes a double's formatted value as "(unsupported-kind", which is no JSON; the rows are
        # read from the raw bytes anyway.
        $text = (& bpftool -j map dump id $Id) -join "`n"
        if ($LASTEXITCODE -ne 0) { throw "bpftool map dump id $Id failed" }
        foreach ($e in (($text -replace '\(unsupported-kind\)?', 'null') | ConvertFrom-Json -NoEnumerate)) {
            [byte[]] $kb = $e.key | ForEach-Object { [Convert]::ToByte($_, 16) }
            $values = [Collections.Generic.List[object]]::new()
            if ($e.PSObject.Properties['values']) { foreach ($c in $e.values) { $values.Add($c.value) } } else { $values.Add($e.value) }
            [decimal] $packets = 0; [decimal] $bytes = 0; [long] $drift = 0; [double] $ratio = 0
            foreach ($v in $values) {
                [byte[]] $vb = $v | ForEach-Object { [Convert]::ToByte($_, 16) }
                $packets += [BitConverter]::ToUInt64($vb, 0); $bytes += [BitConverter]::ToUInt64($vb, 8)
                $drift += [BitConverter]::ToInt32($vb, 16); $ratio += [BitConverter]::ToDouble($vb, 32)
            }
            [pscustomobject]@{
                Key = [Convert]::ToHexString($kb); Packets = $packets; Bytes = $bytes; Drift = $drift; Ratio = $ratio
                Dport = $kb[10] * 256 + $kb[11]
            }
        }
    }
    function Get-Expected($Rows, [string] $By, [int] $Top, [switch] $Ascending) {
        # Ties go by the key's bytes, smallest first (same-length hex compares as the bytes do).
        @($Rows | Sort-Object -Property @{ Expression = $By; Descending = -not $Ascending }, @{ Expression = 'Key'; Descending = $false } |
            Select-Object -First $Top).Key
    }
    function Get-OursRaw([hashtable] $Query) {
        @(Get-BpfMapEntry @Query -Raw | ForEach-Object { [Convert]::ToHexString($_.Key) })
    }
    $script:flowRows = @(Get-DumpRows $flows.Id)
    $script:pcpuRows = @(Get-DumpRows $pcpu.Id)
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Get-BpfMapEntry -Top -SortBy' {
    It 'the filled maps hold what the tests expect' {
        $flowRows.Count | Should -Be 3000
        $pcpuRows.Count | Should -Be 400
    }

    It '-Top <Top> -SortBy <By> agrees with sorting bpftool''s dump (ties by the key''s bytes)' -ForEach @(
        @{ By = 'bytes'; Column = 'Bytes'; Top = 40 }, @{ By = 'packets'; Column = 'Packets'; Top = 25 },
        @{ By = 'Value.drift'; Column = 'Drift'; Top = 100 }, @{ By = 'Key.dport'; Column = 'Dport'; Top = 30 }
        @{ By = 'ratio'; Column = 'Ratio'; Top = 70 }
    ) {
        $ours = Get-OursRaw @{ InputObject = $flows; Top = $Top; SortBy = $By }
        $ours.Count | Should -Be $Top
        $ours | Should -Be (Get-Expected $flowRows $Column $Top)
    }

    It '-Ascending ranks smallest first, a signed field below zero included' {
        $ours = Get-OursRaw @{ InputObject = $flows; Top = 90; SortBy = 'drift'; Ascending = $true }
        $ours | Should -Be (Get-Expected $flowRows Drift 90 -Ascending)
        $ours = Get-OursRaw @{ InputObject = $flows; Top = 80; SortBy = 'ratio'; Ascending = $true }
        $ours | Should -Be (Get-Expected $flowRows Ratio 80 -Ascending)
        (Get-BpfMapEntry -InputObject $flows -Top 1 -SortBy drift -Ascending).Value.drift | Should -Be -20
    }

    It 'ranks per-CPU values by their sum over CPUs' {
        $ours = Get-OursRaw @{ InputObject = $pcpu; Top = 15; SortBy = 'bytes' }
        $ours | Should -Be (Get-Expected $pcpuRows Bytes 15)
        $first = Get-BpfMapEntry -InputObject $pcpu -Top 1 -SortBy bytes -PerCpu
        $first.Value.bytes | Should -Be ($pcpuRows | Measure-Object Bytes -Maximum).Maximum
        ($first.PerCpu | ForEach-Object bytes | Measure-Object -Sum).Sum | Should -Be $first.Value.bytes
    }

    It 'decodes the winners as a whole read does, and -SortBy alone sorts every entry' {
        $top = @(Get-BpfMapEntry -InputObject $flows -Top 5 -SortBy bytes)
        $top[0].Value.bytes | Should -Be ($flowRows | Measure-Object Bytes -Maximum).Maximum
        foreach ($e in $top) {
            $same = Get-BpfMapEntry -InputObject $flows -Key $e.Key
            $same.Value.bytes | Should -Be $e.Value.bytes
            $same.Value.label | Should -Be $e.Value.label
            $e.Key.saddr | Should -BeLike '198.18.*'
        }
        $all = Get-OursRaw @{ InputObject = $flows; SortBy = 'packets'; Ascending = $true }
        $all | Should -Be (Get-Expected $flowRows Packets 3000 -Ascending)
    }

    It '<Query> is <Id>' -ForEach @(
        @{ Query = '-SortBy nope'; Id = 'SortFieldNotFound'; Run = { Get-BpfMapEntry -InputObject $flows -Top 3 -SortBy nope } }
        @{ Query = '-SortBy Key.nope'; Id = 'SortFieldNotFound'; Run = { Get-BpfMapEntry -InputObject $flows -Top 3 -SortBy Key.nope } }
        @{ Query = '-SortBy label (char[4])'; Id = 'SortFieldNotNumeric'; Run = { Get-BpfMapEntry -InputObject $flows -Top 3 -SortBy label } }
        @{ Query = '-SortBy band (a struct)'; Id = 'SortFieldNotNumeric'; Run = { Get-BpfMapEntry -InputObject $flows -Top 3 -SortBy band } }
        @{ Query = '-Top without -SortBy'; Id = 'TopNeedsSortBy'; Run = { Get-BpfMapEntry -InputObject $flows -Top 3 } }
        @{ Query = '-SortBy with -Key'; Id = 'SortReadsWholeMap'; Run = { Get-BpfMapEntry -InputObject $flows -SortBy bytes -Key 1 } }
        @{ Query = '-SortBy with -AsBatch'; Id = 'SortReadsWholeMap'; Run = { Get-BpfMapEntry -InputObject $flows -SortBy bytes -AsBatch } }
    ) {
        $ErrorActionPreference = 'Stop'
        $e = Get-Error $Run
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        if ($Id -like 'SortField*') { $e.Exception.Message | Should -Match 'packets, bytes, drift, band.lo, band.hi, ratio, Key.saddr' }
    }

    It 'completes -SortBy from the map''s BTF' {
        $line = "Get-BpfMapEntry -Id $($flows.Id) -SortBy "
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $found | Should -Be @('packets', 'bytes', 'drift', 'band.lo', 'band.hi', 'ratio', 'Key.saddr', 'Key.daddr', 'Key.sport', 'Key.dport', 'Key.proto')
        $line = "Watch-BpfMap -Id $($flows.Id) -SortBy b"
        $found = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $found | Should -Be @('bytesPerSecond', 'band.loPerSecond', 'band.hiPerSecond', 'bytes', 'band.lo', 'band.hi')
    }
}

Describe 'Watch-BpfMap -Top -SortBy and its clock' {
    It 'emits -Top rows per sample, ranked as Get-BpfMapEntry -Top ranks them' {
        $rows = @(Watch-BpfMap -InputObject $flows -Interval 0.2 -Count 2 -Top 7 -SortBy bytes)
        $rows.Count | Should -Be 14
        $expected = @(Get-BpfMapEntry -InputObject $flows -Top 7 -SortBy bytes | ForEach-Object {
                "saddr=$($_.Key.saddr) daddr=$($_.Key.daddr) sport=$($_.Key.sport) dport=$($_.Key.dport) proto=$($_.Key.proto)" })
        foreach ($s in 1, 2) {
            $sample = @($rows | Where-Object Sample -EQ $s)
            $sample.Position | Should -Be (1..7)
            $sample.Key | Should -Be $expected
            $sample[0].bytes | Should -Be ($flowRows | Measure-Object Bytes -Maximum).Maximum
        }
    }

    It '-SortBy bytesPerSecond ranks keys by their change since the sample before' {
        $keys = foreach ($i in 7, 8, 9) { $k = New-FlowKey $i; @{ saddr = "198.18.0.$i"; daddr = '198.19.0.1'; sport = 80; dport = $k[10] * 256 + $k[11]; proto = 6 } }
        $state = [hashtable]::Synchronized(@{ Stop = $false; Bumps = 0 })
        $job = Start-ThreadJob -ScriptBlock {
            param($map, $keys, $state)
            Import-Module $using:env:EBPFPS_MODULE
            # Per bump 100M, 10M and 1M bytes: the first key outranks the second whatever the bumps per interval.
            while (-not $state.Stop) {
                for ($j = 0; $j -lt 3; $j++) {
                    $v = (Get-BpfMapEntry -InputObject $map -Key $keys[$j]).Value
                    $v.bytes = [uint64]$v.bytes + [uint64][Math]::Pow(10, 8 - $j)
                    Set-BpfMapEntry -InputObject $map -Key $keys[$j] -Value $v
                }
                $state.Bumps++
                Start-Sleep -Milliseconds 30
            }
        } -ArgumentList $flows, @($keys), $state
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($state.Bumps -lt 1 -and $job.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $rows = @(Watch-BpfMap -InputObject $flows -Interval 0.3 -Count 3 -Top 3 -SortBy bytesPerSecond)
        }
        finally { $state.Stop = $true; $job | Wait-Job | Receive-Job; $job | Remove-Job }
        $rows.Count | Should -Be 9
        foreach ($s in 1..3) {
            $sample = @($rows | Where-Object Sample -EQ $s)
            $sample.Key | Should -Be @(7, 8, 9 | ForEach-Object { "saddr=198.18.0.$_ daddr=198.19.0.1 sport=80 dport=$($keys[$_ - 7].dport) proto=6" })
            $sample[0].bytesDelta | Should -BeGreaterThan $sample[1].bytesDelta
            $sample[0].bytesPerSecond | Should -BeGreaterThan 0
        }
    }

    It 'keeps its schedule for a consumer slower than -Interval; the sample it held up says it was late' {
        $interval = [timespan]::FromMilliseconds(50)
        $rows = @(Watch-BpfMap -InputObject $flows -Interval 0.05 -Count 8 -Top 1 -SortBy bytes -WarningVariable warned -WarningAction SilentlyContinue |
                ForEach-Object { Start-Sleep -Milliseconds 300; $_ })
        $rows.Count | Should -Be 8
        $rows.Sample | Should -Be (1..8)
        for ($i = 1; $i -lt $rows.Count; $i++) {
            $step = ($rows[$i].Scheduled - $rows[0].Scheduled).Ticks
            $step % $interval.Ticks | Should -Be 0 -Because 'every sample is due on the grid start + n * interval'
            $step | Should -BeGreaterThan ($rows[$i - 1].Scheduled - $rows[0].Scheduled).Ticks
        }
        foreach ($r in $rows) {
            ($r.Timestamp - $r.Scheduled).TotalSeconds | Should -BeGreaterOrEqual ($r.LateSeconds - 0.0011)
            ($r.Timestamp - $r.Scheduled).TotalSeconds | Should -BeLessOrEqual ($r.LateSeconds + 0.0011)
            if ($r.Late) { $r.LateSeconds | Should -BeGreaterOrEqual 0.005 } else { $r.LateSeconds | Should -BeLessOrEqual 0.005 }
        }
        # Four samples wait for the consumer; the sampler then waits for room, so the eighth is taken only after
        # the consumer has slept through two rows (0.6 s), though it was due at 0.4 s.
        $rows[-1].Late | Should -BeTrue
        $rows[-1].LateSeconds | Should -BeGreaterOrEqual 0.15
        @($warned).Count | Should -BeGreaterOrEqual 1
        "$($warned[-1])" | Should -Match 'Sample \d+ of map ''top_flows'' was taken [0-9.]+ s after its scheduled time'
    }

    It '<Query> is <Id>' -ForEach @(
        @{ Query = '-Top without -SortBy'; Id = 'TopNeedsSortBy'; Run = { Watch-BpfMap -InputObject $flows -Count 1 -Top 3 } }
        @{ Query = '-SortBy nopePerSecond'; Id = 'SortFieldNotFound'; Run = { Watch-BpfMap -InputObject $flows -Count 1 -Top 3 -SortBy nopePerSecond } }
        @{ Query = '-SortBy labelDelta'; Id = 'SortFieldNotNumeric'; Run = { Watch-BpfMap -InputObject $flows -Count 1 -Top 3 -SortBy labelDelta } }
    ) {
        $ErrorActionPreference = 'Stop'
        (Get-Error $Run).FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}
