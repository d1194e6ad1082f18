# Keys, values and variables a script passes are copied before use; one that holds itself ($h = @{}; $h.a = $h) or
# nests thousands deep is ValueTooDeep, not a stack overflow that ends the whole session. Each case runs in a child
# pwsh, so a regression kills the child and fails its case instead of killing the test runner.
BeforeDiscovery {
    # Each child makes the value ($h), runs the command, and prints the error's id, category and message, then that
    # it lives on. DIR (the maps' pin folder) and OBJ (an object file) are known only when the tests run.
    $self = '$h = @{}; $h.a = $h'
    $deep = '$h = 1; foreach ($i in 1..100000) { $h = @{ a = $h } }'
    $script:cases = @(
        @{ Name = 'Set-BpfMapEntry -Value'; Value = $self; Command = "Set-BpfMapEntry -LiteralPath 'DIR/hash' -Key 1 -Value `$h"; Id = 'ValueTooDeep,EbpfPs.Commands.SetBpfMapEntryCommand'; Names = '-Value' }
        @{ Name = 'Set-BpfMapEntry -Key'; Value = $self; Command = "Set-BpfMapEntry -LiteralPath 'DIR/hash' -Key `$h -Value 1"; Id = 'ValueTooDeep,EbpfPs.Commands.SetBpfMapEntryCommand'; Names = '-Key' }
        @{ Name = 'Set-BpfMapEntry -Value 100,000 deep'; Value = $deep; Command = "Set-BpfMapEntry -LiteralPath 'DIR/hash' -Key 2 -Value `$h"; Id = 'ValueTooDeep,EbpfPs.Commands.SetBpfMapEntryCommand'; Names = '-Value' }
        @{ Name = 'Push-BpfMapEntry'; Value = $self; Command = "Push-BpfMapEntry -LiteralPath 'DIR/queue' -Value `$h"; Id = 'ValueTooDeep,EbpfPs.Commands.PushBpfMapEntryCommand'; Names = '-Value' }
        @{ Name = 'Test-BpfMapEntry'; Value = $self; Command = "Test-BpfMapEntry -LiteralPath 'DIR/bloom' -Value `$h"; Id = 'ValueTooDeep,EbpfPs.Commands.TestBpfMapEntryCommand'; Names = '-Value' }
        @{ Name = 'Get-BpfMapEntry -Key'; Value = $self; Command = "Get-BpfMapEntry -LiteralPath 'DIR/hash' -Key `$h"; Id = 'ValueTooDeep,EbpfPs.Commands.GetBpfMapEntryCommand'; Names = '-Key' }
        @{ Name = 'Remove-BpfMapEntry -Key'; Value = $self; Command = "Remove-BpfMapEntry -LiteralPath 'DIR/hash' -Key `$h -Confirm:`$false"; Id = 'ValueTooDeep,EbpfPs.Commands.RemoveBpfMapEntryCommand'; Names = '-Key' }
        @{ Name = 'Import-BpfObject -Variable'; Value = $self; Command = "Import-BpfObject -LiteralPath 'OBJ' -PinPath 'DIR/load' -Variable @{ setting = `$h }"; Id = 'ValueTooDeep,EbpfPs.Commands.ImportBpfObjectCommand'; Names = '-Variable setting' }
        @{ Name = 'Import-BpfObject -MaxEntries'; Value = $self; Command = "Import-BpfObject -LiteralPath 'OBJ' -PinPath 'DIR/load' -MaxEntries @{ any = `$h }"; Id = 'ValueTooDeep,EbpfPs.Commands.ImportBpfObjectCommand'; Names = '-MaxEntries any' }
    )
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:dir = New-ScratchPinPath 'ebpfps-m1-deep'
    $script:hash = New-BpfMap -LiteralPath "$dir/hash" -Name m1_deep_hash -Type hash -KeySize 4 -ValueSize 4 -MaxEntries 8
    $null = New-BpfMap -LiteralPath "$dir/queue" -Name m1_deep_queue -Type queue -KeySize 0 -ValueSize 4 -MaxEntries 8
    $null = New-BpfMap -LiteralPath "$dir/bloom" -Name m1_deep_bloom -Type bloom_filter -KeySize 0 -ValueSize 4 -MaxEntries 8
    $script:children = @{}
    $script:outputs = @{}
}

AfterAll {
    foreach ($child in $children.Values) { if (-not $child.Process.HasExited) { $child.Process.Kill($true) } }
    Remove-ScratchState
}

Describe 'a value that holds itself, or nests 100,000 deep' -ForEach @(@{ Cases = $cases }) {
    BeforeAll {
        # Started together (each pays for its own pwsh start), then collected.
        $object = Get-BuiltinObjectPath pass
        foreach ($c in $Cases) {
            $command = $c.Command.Replace('DIR', $dir).Replace('OBJ', $object)
            $children[$c.Name] = Start-ChildPwsh ($c.Value + '; try { ' + $command + ' -ErrorAction Stop | Out-Null; ' +
                '"NO ERROR" } catch { "ID " + $_.FullyQualifiedErrorId; "CATEGORY " + $_.CategoryInfo.Category; ' +
                '"MESSAGE " + $_.Exception.Message }; "ALIVE"')
        }
        foreach ($c in $Cases) { $outputs[$c.Name] = @(Wait-ChildPwsh $children[$c.Name]) }
    }

    It '<Name> ends with ValueTooDeep, and the session lives on' -ForEach $Cases {
        $out = $outputs[$Name]
        $because = $out -join "`n"
        $out | Should -Contain "ID $Id" -Because $because
        $out | Should -Contain 'CATEGORY LimitsExceeded' -Because $because
        $out | Should -Contain "MESSAGE $Names nests hashtables, objects and lists more than 64 deep, deeper than any map key or value (a hashtable that holds itself is infinitely deep)." -Because $because
        $out[-1] | Should -Be 'ALIVE' -Because $because
        $children[$Name].Process.ExitCode | Should -Be 0
    }

    It 'changed nothing: the hash map and the queue are empty (bpftool), and Import-BpfObject pinned nothing' {
        @(Invoke-Json bpftool -j map dump id $hash.Id).Count | Should -Be 0
        # peek fails on an empty queue (and prints null); one pushed value would be there.
        $peek = & bpftool -j map peek pinned "$dir/queue" 2>&1
        $LASTEXITCODE | Should -Not -Be 0 -Because "bpftool map peek said $peek"
        Test-Path -LiteralPath "$dir/load" | Should -BeFalse
    }

    It 'takes a value as deep as a map type can be in the same session: the map writes it or says why not' {
        # 64 levels of hashtables are copied (the codec then refuses the shape for a 4-byte value); 65 are not.
        $h = 1; foreach ($i in 1..64) { $h = @{ a = $h } }
        $e = Get-Error { Set-BpfMapEntry -LiteralPath "$dir/hash" -Key 3 -Value $h }
        $e.FullyQualifiedErrorId | Should -Not -BeLike 'ValueTooDeep,*'
        $g = 1; foreach ($i in 1..65) { $g = @{ a = $g } }
        $e = Get-Error { Set-BpfMapEntry -LiteralPath "$dir/hash" -Key 3 -Value $g }
        $e.FullyQualifiedErrorId | Should -BeLike 'ValueTooDeep,*'
    }
}
