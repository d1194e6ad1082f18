# What every cmdlet's output looks like where people read it: the default view at 80 columns (a terminal, or
# output redirected to a file) with nothing cut and no header broken, and Format-List of each.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    . $PSScriptRoot/OutputSamples.ps1

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
    foreach ($o in $sample.Object, $sample.Events) { if ($o) { $o | Remove-BpfObject -Confirm:$false } }
    if ($sample['System.IO.FileInfo']) { Remove-Item -LiteralPath $sample['System.IO.FileInfo'].FullName }
    Remove-ScratchState
}

Describe 'Default views at 80 columns' {
    It 'every output type of every cmdlet has a sample here' {
        @($outputTypes | Where-Object { -not $sample.Contains($_.Type) } | ForEach-Object { "$($_.Command): $($_.Type)" }) |
            Should -BeNullOrEmpty
    }

    It '<_> fits 80 columns: nothing cut, no header broken' -ForEach @(
        'EbpfPs.XdpAttachment', 'EbpfPs.TcAttachment', 'EbpfPs.BpfTestNetwork', 'EbpfPs.BpfTestInterface', 'EbpfPs.BpfObject',
        'EbpfPs.BpfLoadedProgram', 'EbpfPs.BpfLoadedMap', 'EbpfPs.BpfProgramInfo', 'EbpfPs.BpfMapInfo', 'EbpfPs.BpfLinkInfo',
        'EbpfPs.BpfBtfType',
        'EbpfPs.BpfMapEntry', 'EbpfPs.BpfMapEntry#PerCpu', 'EbpfPs.BpfMapBatch', 'EbpfPs.MapSample', 'EbpfPs.BpfFeature',
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

    It 'the named wide views render: Format-Table -View Wide of <_>' -ForEach @(
        'EbpfPs.XdpAttachment', 'EbpfPs.TcAttachment', 'EbpfPs.BpfTestInterface', 'EbpfPs.BpfObject', 'EbpfPs.BpfLoadedProgram',
        'EbpfPs.BpfProgramInfo', 'EbpfPs.BpfMapInfo', 'EbpfPs.BpfTestPacket', 'EbpfPs.ProgramTestResult', 'EbpfPs.HookThroughput'
    ) {
        $text = @($sample[$_])[0] | Format-Table -View Wide | Out-String -Width 200
        Get-BrokenHeader $text | Should -BeNullOrEmpty
        $text | Should -Not -Match '…'
    }
}
