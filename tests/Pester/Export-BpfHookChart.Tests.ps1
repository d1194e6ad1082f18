# Export-BpfHookChart (issue 20 items 4 and 7) from rows kept in a CSV fixture, not measured here: the SVG is XML
# with one bar group per row, the ratios against TC say faster, slower or not distinguishable from the min-max
# intervals, and the conditions are written once. Fixtures/hooks.csv has the demo's columns.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:csv = Join-Path $PSScriptRoot 'Fixtures/hooks.csv'
    $script:rows = @(Import-Csv $csv)
    function Read-Svg([string] $Path) {
        $doc = [xml](Get-Content -Raw $Path)
        $ns = [System.Xml.XmlNamespaceManager]::new($doc.NameTable)
        $ns.AddNamespace('s', 'http://www.w3.org/2000/svg')
        @{ Doc = $doc; Ns = $ns }
    }
    function Select-Svg($svg, [string] $XPath) { @($svg.Doc.SelectNodes($XPath, $svg.Ns)) }
}

Describe 'Export-BpfHookChart from Import-Csv of the demo''s CSV' {
    BeforeAll {
        $script:file = $rows | Export-BpfHookChart -Path (Join-Path $TestDrive 'hooks.svg')
        $script:svg = Read-Svg $file.FullName
    }

    It 'returns the file it wrote, which an XML parser reads as SVG' {
        $file | Should -BeOfType System.IO.FileInfo
        $svg.Doc.DocumentElement.LocalName | Should -Be 'svg'
    }

    It 'draws one bar group per row, each with a Mpps and a Gbit/s bar and min-max whiskers' {
        $groups = Select-Svg $svg "//s:g[@class='row']"
        $groups.Count | Should -Be $rows.Count
        foreach ($g in $groups) {
            $g.SelectNodes('s:rect', $svg.Ns).Count | Should -Be 2
            $g.SelectNodes("s:path[@class='minmax']", $svg.Ns).Count | Should -Be 2
        }
        $keys = $groups | ForEach-Object { '{0}/{1}/{2}/{3}' -f $_.'data-program', $_.'data-traffic', $_.'data-hook', $_.'data-size' }
        $keys | Should -Be ($rows | ForEach-Object { "$($_.Program)/$($_.Traffic)/$($_.Hook)/$($_.PacketSize)" })
    }

    It 'writes the ratios against TC with what the intervals say' {
        $ratios = (Select-Svg $svg "//s:text[@class='ratio']").InnerText
        $ratios | Should -Be @(
            '64 B: XdpNative:TC 2.50 (faster)'
            '64 B: XdpGeneric:TC 0.93 (not distinguishable here)'
            '1500 B: XdpNative:TC 2.21 (faster)'
            '1500 B: XdpGeneric:TC 0.84 (slower)'
            '1514 B: XdpNative:TC 0.79 (slower)'
            '1514 B: XdpGeneric:TC 0.58 (slower)'
            '1514 B: Stack:TC 1.03 (not distinguishable here)')
    }

    It 'writes each condition once under the title, and the kernel in the title' {
        $conditions = (Select-Svg $svg "//s:text[@class='condition']").InnerText
        $conditions | Should -Be @("live frames from the kernel's generator on CPU 1", 'GRO on the receiver',
            'iperf3 from A to B through the router, the program on both router interfaces')
        (Select-Svg $svg '//s:text')[0].InnerText | Should -Be 'Throughput by hook (6.18.0-test, 2 CPUs)'
    }
}

Describe 'Export-BpfHookChart input and refusals' {
    It 'takes the rows of one program alone and a -Title' {
        $path = Join-Path $TestDrive 'drop.svg'
        $rows | Where-Object Program -EQ drop | Export-BpfHookChart -LiteralPath $path -Title 'drop <here>'
        $svg = Read-Svg $path
        (Select-Svg $svg "//s:g[@class='row']").Count | Should -Be 6
        (Select-Svg $svg '//s:text')[0].InnerText | Should -Be 'drop <here>'
    }

    It 'takes rows as Measure-HookThroughput emits them (EbpfPs.HookThroughput), with their samples' {
        $r = foreach ($h in 'XdpNative', 'TcIngress') {
            $s = if ($h -eq 'XdpNative') { [double[]](3e6, 3.2e6, 3.4e6) } else { [double[]](1e6, 1.1e6, 1.2e6) }
            $t = [EbpfPs.HookThroughput]@{ Hook = $h; Program = 'drop'; PacketSize = 64; PacketsPerSecond = $s[1]
                BitsPerSecond = $s[1] * 512; Samples = 3; Note = 'one; two' }
            # The sample lists are code properties for export (Export.Types.ps1xml): set the .NET ones beneath.
            [EbpfPs.HookThroughput].GetProperty('SamplePacketsPerSecond').SetValue($t, [double[]]$s)
            [EbpfPs.HookThroughput].GetProperty('SampleBitsPerSecond').SetValue($t, [double[]]($s | ForEach-Object { $_ * 512 }))
            $t
        }
        $path = Join-Path $TestDrive 'typed.svg'
        $r | Export-BpfHookChart -Path $path | Out-Null
        $svg = Read-Svg $path
        (Select-Svg $svg "//s:g[@class='row']").Count | Should -Be 2
        (Select-Svg $svg "//s:text[@class='ratio']").InnerText | Should -Be '64 B: XdpNative:TC 2.91 (faster)'
    }

    It 'refuses a row that is not a measurement with NotAHookMeasurement and writes nothing' {
        $path = Join-Path $TestDrive 'bad.svg'
        $e = { [pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress' } | Export-BpfHookChart -Path $path -ErrorAction Stop } |
            Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'NotAHookMeasurement,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'PacketSize, PacketsPerSecond, BitsPerSecond'
        $path | Should -Not -Exist
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.svg'
        $rows | Export-BpfHookChart -Path $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'says PathNotFound for a missing folder' {
        $e = { $rows | Export-BpfHookChart -Path (Join-Path $TestDrive 'no/such/x.svg') -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }
}

Describe 'Conditions of measurement rows (issue 20 item 6)' {
    It 'are shown once above a table of rows that share them, not per row, and joined by "; " in CSV' {
        $conditions = [string[]]('GRO turned on at receivers', '64 flows')
        $r = foreach ($h in 'XdpNative', 'XdpGeneric', 'TcIngress') {
            $t = [EbpfPs.HookThroughput]@{ Hook = $h; Program = 'drop'; PacketSize = 64; PacketsPerSecond = 1e6
                BitsPerSecond = 5.12e8; Samples = 1; Note = 'a long note that the table does not show' }
            [EbpfPs.HookThroughput].GetProperty('Conditions').SetValue($t, $conditions)
            $t
        }
        $table = $r | Format-Table | Out-String -Width 120
        [regex]::Matches($table, 'GRO turned on at receivers; 64 flows').Count | Should -Be 1
        $table | Should -Match 'about_EbpfPs_Measuring'
        $table | Should -Not -Match 'a long note'
        ($r | ConvertTo-Csv | ConvertFrom-Csv)[0].Conditions | Should -Be 'GRO turned on at receivers; 64 flows'
        # The chart reads them back from the CSV as two conditions.
        $path = Join-Path $TestDrive 'conditions.svg'
        $r | ConvertTo-Csv | ConvertFrom-Csv | Export-BpfHookChart -Path $path | Out-Null
        $svg = Read-Svg $path
        (Select-Svg $svg "//s:text[@class='condition']").InnerText | Should -Be $conditions
    }

    It 'Get-Help about_EbpfPs_Measuring gives the long form and how hooks are compared' {
        $about = Get-Help about_EbpfPs_Measuring | Out-String
        $about | Should -Match 'GRO turned on at receivers'
        $about | Should -Match 'not distinguishable here'
    }
}


Describe 'Export-BpfHookChart: a Traffic that names no traffic' {
    It 'refuses the row with NotAHookMeasurement, not a cast error' {
        $e = { [pscustomobject]@{ Program = 'drop'; Hook = 'TcIngress'; PacketSize = 64; PacketsPerSecond = 1
                BitsPerSecond = 512; Traffic = 'Carrier pigeon' } |
                Export-BpfHookChart -Path (Join-Path $TestDrive 'pigeon.svg') -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'NotAHookMeasurement,*'
        $e.Exception.Message | Should -Match "Traffic 'Carrier pigeon' is not a traffic"
    }
}
