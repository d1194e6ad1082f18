# What Set-BpfMapEntry stores is what was meant, or nothing: MAC and text fields, array indexes. Checked with
# bpftool's dump of the same entry.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject mac_text)
    $script:map = $obj.Maps | Where-Object Name -EQ neighbours
    function Get-Theirs([int] $Key) { (Invoke-Json bpftool -j map lookup id $map.Id key $Key 0 0 0).formatted.value }
    $script:good = @{ mac = '02:00:00:00:00:01'; name = 'gw'; raw6 = [byte[]](1, 2, 3, 4, 5, 6) }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Set-BpfMapEntry: fields are stored as meant or refused' {
    BeforeEach { Set-BpfMapEntry -InputObject $map -Key 1 -Value $good }

    It 'stores a MAC address as its six bytes, as bpftool shows them' {
        $theirs = Get-Theirs 1
        @($theirs.mac) | Should -Be @(2, 0, 0, 0, 0, 1)
        (Get-BpfMapEntry -InputObject $map -Key 1).Value.mac | Should -Be '02:00:00:00:00:01'
    }

    It 'refuses <Text> for <Field> with <Id> and leaves the entry as it was' -ForEach @(
        @{ Field = 'mac'; Text = '02:00'; Id = 'InvalidMacAddress' }
        @{ Field = 'mac'; Text = 'router'; Id = 'InvalidMacAddress' }
        @{ Field = 'raw6'; Text = '02:00:00'; Id = 'InvalidMacAddress' }
        @{ Field = 'name'; Text = 'café'; Id = 'TextNotAscii' }
        @{ Field = 'name'; Text = 'ünïcödé'; Id = 'TextNotAscii' }
    ) {
        $value = $good.Clone(); $value[$Field] = $Text
        $e = Get-Error { Set-BpfMapEntry -InputObject $map -Key 1 -Value $value }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match "value\.$Field"
        $theirs = Get-Theirs 1
        @($theirs.mac) | Should -Be @(2, 0, 0, 0, 0, 1)
        @($theirs.raw6) | Should -Be @(1, 2, 3, 4, 5, 6)
        $theirs.name | Should -Be 'gw' -Because 'bpftool shows a char array as its text'
    }

    It 'stores ASCII text in a plain byte field' {
        $value = $good.Clone(); $value.raw6 = 'abc'
        Set-BpfMapEntry -InputObject $map -Key 1 -Value $value
        @((Get-Theirs 1).raw6) | Should -Be @(97, 98, 99, 0, 0, 0)
    }

    It 'an array index past the end is MapIndexOutOfRange, not MapFull' {
        $e = Get-Error { Set-BpfMapEntry -InputObject $map -Key 4 -Value $good }
        $e.FullyQualifiedErrorId | Should -BeLike 'MapIndexOutOfRange,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'indexes 0 to 3'
        (Invoke-Json bpftool -j map show id $map.Id).max_entries | Should -Be 4
    }
}
