# Program arrays (tail calls): Set-BpfMapEntry takes a program object, an id or a pin path; Get-BpfMapEntry reads
# back the programs (id and name, as bpftool shows the ids); Get -> Set round-trips; the dispatcher's test runs
# show which program each slot holds; attaching a dispatcher whose table nothing pins warns.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:file = Build-TestBpfObject tail_calls
    $script:obj = Import-BpfObject -LiteralPath $file
    $script:table = $obj.Maps | Where-Object Name -EQ jump_table
    $script:dispatcher = $obj.GetProgram('dispatcher')
    $script:drop = $obj.GetProgram('tail_drop')
    $script:tx = $obj.GetProgram('tail_tx')
    $script:short = New-BpfTestPacket -Udp -Destination 198.18.0.2 -FrameLength 64
    $script:long = New-BpfTestPacket -Udp -Destination 198.18.0.2 -FrameLength 200
    function Get-BpftoolSlots {
        # bpftool prints a program array's value as the bytes of the program id.
        $slots = @{}
        foreach ($e in Invoke-Json bpftool -j map dump id $table.Id) {
            $k = [BitConverter]::ToUInt32([byte[]]@($e.key | ForEach-Object { [Convert]::ToByte($_, 16) }), 0)
            $slots[[int]$k] = [BitConverter]::ToUInt32([byte[]]@($e.value | ForEach-Object { [Convert]::ToByte($_, 16) }), 0)
        }
        $slots
    }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Program arrays' {
    It 'starts empty: the dispatcher falls through' {
        @(Get-BpfMapEntry -InputObject $table).Count | Should -Be 0
        (Invoke-BpfProgramTest -Program $dispatcher -Packet $short).Verdict | Should -Be XDP_PASS
    }

    It 'takes a program object and an id, and reads back the programs as bpftool lists their ids' {
        Set-BpfMapEntry -InputObject $table -Key 0 -Value $drop
        Set-BpfMapEntry -InputObject $table -Key 1 -Value $tx.Id
        $entries = Get-BpfMapEntry -InputObject $table | Sort-Object Key
        $entries.Key | Should -Be @(0, 1)
        $entries[0].Value.Id | Should -Be $drop.Id
        $entries[0].Value.Name | Should -Be 'tail_drop'
        $entries[1].Value.Name | Should -Be 'tail_tx'
        $slots = Get-BpftoolSlots
        $slots[0] | Should -Be $drop.Id
        $slots[1] | Should -Be $tx.Id
        (Invoke-BpfProgramTest -Program $dispatcher -Packet $short).Verdict | Should -Be XDP_DROP
        (Invoke-BpfProgramTest -Program $dispatcher -Packet $long).Verdict | Should -Be XDP_TX
    }

    It 'takes a pinned program''s path' {
        $pin = New-ScratchPinPath
        & bpftool prog pin id $tx.Id $pin
        $LASTEXITCODE | Should -Be 0
        Set-BpfMapEntry -InputObject $table -Key 0 -Value $pin
        (Get-BpftoolSlots)[0] | Should -Be $tx.Id
        (Invoke-BpfProgramTest -Program $dispatcher -Packet $short).Verdict | Should -Be XDP_TX
    }

    It 'round-trips: what Get returns, Set takes back' {
        Set-BpfMapEntry -InputObject $table -Key 0 -Value $drop
        $before = Get-BpftoolSlots
        $entries = @(Get-BpfMapEntry -InputObject $table)
        $entries | ForEach-Object { Remove-BpfMapEntry -InputObject $table -Key $_.Key }
        (Get-BpftoolSlots).Count | Should -Be 0
        $entries | ForEach-Object { Set-BpfMapEntry -InputObject $table -Key $_.Key -Value $_.Value }
        $after = Get-BpftoolSlots
        $after.Count | Should -Be 2
        foreach ($k in $before.Keys) { $after[$k] | Should -Be $before[$k] }
    }

    It 'refuses what is not a program: <Case>' -ForEach @(
        @{ Case = 'no such id'; Value = 4294967295; Id = 'BpfProgramNotFound' }
        @{ Case = 'text'; Value = 'not-a-pin'; Id = 'PinnedObjectNotFound' }
        @{ Case = 'a hashtable without an id'; Value = @{ x = 1 }; Id = 'WrongShape' }
    ) {
        $e = Get-Error { Set-BpfMapEntry -InputObject $table -Key 2 -Value $Value }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }

    It 'refuses a pinned map where a program goes' {
        $pin = New-ScratchPinPath
        & bpftool map pin id $table.Id $pin
        $e = Get-Error { Set-BpfMapEntry -InputObject $table -Key 2 -Value $pin }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinnedObjectWrongKind,*'
    }

    It 'holds maps in an array of maps the same way: a map object, an id, and back' {
        $outer = $obj.Maps | Where-Object Name -EQ outer
        $a = $obj.Maps | Where-Object Name -EQ inner_a
        $b = $obj.Maps | Where-Object Name -EQ inner_b
        Set-BpfMapEntry -InputObject $outer -Key 0 -Value $a
        Set-BpfMapEntry -InputObject $outer -Key 1 -Value $b.Id
        $entries = Get-BpfMapEntry -InputObject $outer | Sort-Object Key
        $entries.Value.Name | Should -Be @('inner_a', 'inner_b')
        $theirs = Invoke-Json bpftool -j map lookup id $outer.Id key 1 0 0 0
        [BitConverter]::ToUInt32([byte[]]@($theirs.value | ForEach-Object { [Convert]::ToByte($_, 16) }), 0) | Should -Be $b.Id
        Set-BpfMapEntry -InputObject $outer -Key 0 -Value $entries[1].Value
        (Get-BpfMapEntry -InputObject $outer -Key 0).Value.Id | Should -Be $b.Id
    }

    It 'warns when a dispatcher is attached with a table nothing pins, and not when it is pinned' {
        $ns = New-ScratchNamespace
        $null = Add-XdpProgram -Interface lo -NetNamespace $ns -Program $dispatcher -Mode Generic -WarningVariable warned -WarningAction SilentlyContinue
        $warned.Count | Should -Be 1
        "$warned" | Should -BeLike "*jump_table*not pinned*-PinPath*"
        Remove-XdpProgram -Interface lo -NetNamespace $ns -Confirm:$false

        $pins = New-ScratchPinPath
        $pinned = Import-BpfObject -LiteralPath $file -PinPath $pins
        try {
            $null = Add-XdpProgram -Interface lo -NetNamespace $ns -Program $pinned.GetProgram('dispatcher') -Mode Generic -WarningVariable quiet -WarningAction SilentlyContinue
            $quiet.Count | Should -Be 0
            Remove-XdpProgram -Interface lo -NetNamespace $ns -Confirm:$false
        }
        finally { $pinned | Remove-BpfObject -Confirm:$false }
    }
}
