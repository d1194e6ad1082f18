# Tab completion as a user gets it (TabExpansion2), against the real kernel: interfaces come from the namespace
# already typed, program names from what is loaded, feature names from the probe, never file names.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:router = $net['RouterA'].NetNamespace
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name }
}

Describe 'Tab completion' {
    It '-Interface offers the interfaces of the -NetNamespace typed before it, loopback last, nothing of this one' {
        $here = @(ip -j link show | ConvertFrom-Json | ForEach-Object ifname)
        foreach ($line in "Get-XdpProgram -NetNamespace $router -Interface ",
            "Add-XdpProgram -Program drop -NetNamespace $router -Interface ",
            "Get-TcProgram -NetNamespace $router -Interface ") {
            $offered = Get-Completion $line
            $offered | Should -Be @('veth-ra', 'veth-rb', 'lo') -Because $line
        }
        # This namespace's own names (eth0 and the like) are not offered for the router's namespace.
        $offered | Where-Object { $_ -ne 'lo' -and $_ -in $here } | Should -BeNullOrEmpty
        (Get-Completion "Remove-XdpProgram -NetNamespace $router -Interface veth-rb") | Should -Be @('veth-rb')
    }

    It '-Interface without -NetNamespace offers this namespace''s interfaces, loopback last' {
        $offered = Get-Completion 'Get-XdpProgram -Interface '
        $offered[-1] | Should -Be 'lo'
        $offered | Sort-Object | Should -Be (@(ip -j link show | ConvertFrom-Json | ForEach-Object ifname) | Sort-Object)
    }

    It 'Get-BpfProgram -Name offers the names of loaded programs' {
        $obj = Import-BpfObject -Program count_drop -Hook Xdp
        try {
            Get-Completion 'Get-BpfProgram -Name count_d' | Should -Contain 'count_drop'
            Get-Completion 'Get-BpfProgram -Name ' | Should -Contain 'count_drop'
        }
        finally { $obj | Remove-BpfObject }
    }

    It 'Get-BpfFeature -Name offers feature names, not file names' {
        Push-Location $TestDrive
        try {
            Set-Content -Path (Join-Path $TestDrive 'XdpNotAFeature.txt') -Value x
            $offered = Get-Completion 'Get-BpfFeature -Name Xdp'
            $offered | Should -Contain 'XdpNative'
            $offered | Should -Not -Contain 'XdpNotAFeature.txt'
            $offered | Where-Object { $_ -match '[\\/]' -and $_ -notmatch '^\w+/\w+$' } | Should -BeNullOrEmpty
        }
        finally { Pop-Location }
    }
}

Describe 'Tab completion of ids, sort fields and type names' {
    BeforeAll {
        $script:counting = Import-BpfObject -Program count_drop -Hook Xdp
        $script:events = Import-BpfObject -LiteralPath (Build-TestBpfObject events)
        $script:counters = Get-BpfMap -Id $counting.Maps[0].Id
        $script:ring = $events.Maps | Where-Object Name -EQ events_ring
        $script:programId = $counting.Programs[0].Id
        function Get-OrdinalSet([string[]] $Names) {
            # Distinct and in ordinal order, as completion lists type names (Sort-Object follows the culture).
            $set = [string[]]@([System.Collections.Generic.HashSet[string]]::new($Names, [StringComparer]::Ordinal))
            [Array]::Sort($set, [StringComparer]::Ordinal)
            , $set
        }
        # Completed from this file's scope (TestHelpers' Get-Completion runs in its module, where $counting and
        # the other variables of this file are not seen).
        function Get-CompletionText([string] $Line) { @((Get-CompletionResult $Line).CompletionText) }
        function Get-CompletionResult([string] $Line) {
            @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches)
        }
    }

    AfterAll {
        if ($counting) { $counting | Remove-BpfObject -Confirm:$false }
        if ($events) { $events | Remove-BpfObject -Confirm:$false }
    }

    It '-SortBy offers the numeric fields of the named map''s value (from its BTF, as bpftool shows it), then Key' {
        $types = @((Invoke-Json bpftool -j btf dump id $counters.BtfId).types)
        $value = $types | Where-Object id -EQ $counters.BtfValueTypeId
        $value.kind | Should -Be 'STRUCT'
        $expected = @($value.members.name) + 'Key'
        $expected.Count | Should -BeGreaterThan 2
        foreach ($line in "Get-BpfMapEntry -Id $($counters.Id) -SortBy ",
            "Get-BpfMapEntry -Name $($counters.Name) -SortBy ",
            "Get-BpfMap -Id $($counters.Id) | Get-BpfMapEntry -SortBy ",
            '$counters | Get-BpfMapEntry -SortBy ',
            '$counting | Get-BpfMapEntry -MapName counters -SortBy ',
            'Get-BpfMapEntry -InputObject $counting -MapName counters -SortBy ') {
            Get-CompletionText $line | Should -Be $expected -Because $line
        }
        Get-CompletionText "Get-BpfMapEntry -Id $($counters.Id) -SortBy by" | Should -Be @($expected -like 'by*')
    }

    It 'Watch-BpfMap -SortBy offers each value field''s rate first, then the totals' {
        $fields = @(Get-CompletionText "Get-BpfMapEntry -Id $($counters.Id) -SortBy " | Where-Object { $_ -ne 'Key' })
        $rates = @($fields | ForEach-Object { "${_}PerSecond" })
        Get-CompletionText "Watch-BpfMap -Id $($counters.Id) -SortBy " | Should -Be ($rates + $fields + 'Key')
    }

    It '-SortBy without a map named offers Value and Key, never file names' {
        Push-Location $TestDrive
        try {
            Set-Content -Path (Join-Path $TestDrive 'Key.txt') -Value x
            Get-CompletionText 'Get-BpfMapEntry -SortBy ' | Should -Be @('Value', 'Key')
            Get-CompletionText 'Watch-BpfMap -SortBy ' | Should -Be @('ValuePerSecond', 'Value', 'Key')
            (Get-CompletionResult 'Get-BpfMapEntry -SortBy K')[0].ToolTip | Should -Match 'name the map'
        }
        finally { Pop-Location }
    }

    It '-Id offers the loaded ids (as bpftool lists them) with their names, and finds them by name' {
        $programs = @(Invoke-Json bpftool -j prog show)
        $offered = @(Get-CompletionText 'Get-BpfProgram -Id ')
        $offered | Should -Contain ([string]$programId)
        # Everything offered is a program bpftool knows (it may have gone since, but not been invented).
        $known = @($programs.id | ForEach-Object { [string]$_ })
        @($offered | Where-Object { $_ -notin $known }).Count | Should -BeLessOrEqual 2
        $byName = @($programs | Where-Object name -EQ 'count_drop' | ForEach-Object { [string]$_.id })
        foreach ($line in 'Get-BpfProgram -Id count_dr', 'Remove-BpfProgram -Id count_dr', 'Get-BpfMap -ProgramId count_dr',
            'Get-BpfLink -ProgramId count_dr') {
            $ids = @(Get-CompletionText $line)
            $ids | Should -Contain ([string]$programId) -Because $line
            @($ids | Where-Object { $_ -notin $byName }) | Should -BeNullOrEmpty -Because "$line offers count_drop's ids only"
        }
        $result = Get-CompletionResult "Get-BpfProgram -Id $programId" | Where-Object CompletionText -EQ ([string]$programId)
        $result.ListItemText | Should -Be "$programId count_drop"
        $result.ToolTip | Should -Match '\bxdp\b'
        foreach ($line in 'Get-BpfMap -Id ', 'Get-BpfMapEntry -Id ', 'Watch-BpfMap -Id ', 'Receive-BpfEvent -Id ') {
            Get-CompletionText $line | Should -Contain ([string]$counters.Id) -Because $line
        }
        (Get-CompletionResult "Get-BpfMapEntry -Id $($counters.Id)")[0].ListItemText | Should -Be "$($counters.Id) counters"
        Get-CompletionText 'Get-BpfBtfType -BtfId ' | Should -Contain ([string]$counters.BtfId)
    }

    It '-Id offers no file names' {
        Push-Location $TestDrive
        try {
            Set-Content -Path (Join-Path $TestDrive "$programId.txt") -Value x
            Get-CompletionText "Get-BpfProgram -Id $programId" | Should -Be @([string]$programId)
            Get-CompletionText 'Get-BpfLink -Id ' | Where-Object { $_ -like '*.txt' -or $_ -like './*' } | Should -BeNullOrEmpty
        }
        finally { Pop-Location }
    }

    It 'Receive-BpfEvent -TypeName offers the record types of the event map''s programs, structs first' {
        $btf = (Invoke-Json bpftool -j prog show id $events.GetProgram('emit_events').Id).btf_id
        $structs = Get-OrdinalSet @((Invoke-Json bpftool -j btf dump id $btf).types | Where-Object kind -In STRUCT, UNION |
                Where-Object name -NE '(anon)' | ForEach-Object name)
        $structs | Should -Contain 'pkt_event'
        foreach ($line in "Receive-BpfEvent -Id $($ring.Id) -TypeName ",
            '$events | Receive-BpfEvent -MapName events_ring -TypeName ',
            'Receive-BpfEvent -InputObject $events -MapName events_ring -TypeName ') {
            $offered = @(Get-CompletionText $line)
            $offered[0..($structs.Count - 1)] | Should -Be $structs -Because $line
            $offered | Should -Contain '__u32'
        }
        Get-CompletionText "Receive-BpfEvent -Id $($ring.Id) -TypeName pkt" | Should -Be @('pkt_event')
    }

    It 'Get-BpfBtfType -Name offers the types of the BTF named, else of the running kernel (capped)' {
        $names = Get-OrdinalSet @((Invoke-Json bpftool -j btf dump id $counters.BtfId).types.name | Where-Object { $_ -ne '(anon)' })
        # Names with a space ('unsigned int') are quoted in the text that replaces the word, not in the list.
        (Get-CompletionResult "Get-BpfBtfType -BtfId $($counters.BtfId) -Name ").ListItemText | Should -Be $names
        (Get-CompletionResult 'Get-BpfBtfType -Map $counters -Name ').ListItemText | Should -Be $names
        Get-CompletionText "Get-BpfBtfType -BtfId $($counters.BtfId) -Name unsigned" | Should -Contain "'unsigned int'"
        Get-CompletionText 'Get-BpfBtfType -Name task_stru' | Should -Contain 'task_struct'
        (Get-CompletionText 'Get-BpfBtfType -Name ').Count | Should -Be 200
    }
}
