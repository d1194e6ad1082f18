# State files the reader will not take (issue 19 item 7, issue 21 item 2): a folder named like a state file, a
# file past the size, value-count or nesting limit, and one with code in it each get an id that says so and a
# message naming the limit, its value and the line. The reader checks keys before it reads their values, so a
# hostile value under an unknown key is never walked.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    function New-Nested([int] $Depth) { ('@{a=' * $Depth) + '1' + ('}' * $Depth) }
    $script:setArgs = @{ 'Test-BpfState' = @{}; 'Set-BpfState' = @{ WhatIf = $true } }
}

Describe 'Test-BpfState and Set-BpfState on state files they cannot read' {
    It 'a folder named x.psd1 is NotARegularFile (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'x.psd1')
        $extra = $setArgs[$Command]
        $e = Get-Error { & $Command -LiteralPath $dir.FullName @extra }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
        $e.Exception.Message | Should -Match 'is a directory'
        Remove-Item $dir
    }

    It 'a 1 MB state file is StateFileTooLarge naming its size and the limit (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $entries = (1..25000 | ForEach-Object { "@{ Key = '198.18.$($_ % 250).$($_ % 200)'; Value = $_ }" }) -join ",`n"
        $path = New-StateFile "@{ Maps = @(@{ Path = '/sys/fs/bpf/h2-none'; Entries = @(`n$entries`n) }) }" 'big.psd1'
        $bytes = (Get-Item $path).Length
        $bytes | Should -BeGreaterThan 1MB
        $extra = $setArgs[$Command]
        $e = Get-Error { & $Command -LiteralPath $path @extra }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooLarge,*'
        $e.CategoryInfo.Category | Should -Be LimitsExceeded
        $e.Exception.Message | Should -BeLike "big.psd1 holds $($bytes.ToString('N0', [cultureinfo]::InvariantCulture)) bytes; a state file takes at most 524,288 bytes (512 KiB)."
    }

    It 'more than 100,000 keys and list items are StateFileTooLarge naming the line' {
        $items = (,'0' * 100005) -join "`n"
        $path = New-StateFile "@{ Maps = @{ Path = '/sys/fs/bpf/h2-none'`nEntries = @(`n$items`n) } }" 'many.psd1'
        (Get-Item $path).Length | Should -BeLessThan 512KB
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooLarge,*'
        # Maps, Path and Entries are three; the 99,998th item, on line 100,000, is one too many.
        $e.Exception.Message | Should -BeLike 'many.psd1 line 100000: the file holds more than 100,000 keys and list items*'
    }

    It 'a depth-30 value under an unknown top key is refused for the key, before the value is read' {
        $path = New-StateFile "@{`n Bogus = $(New-Nested 30)`n}" 'bogus.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $e.CategoryInfo.Category | Should -Be InvalidData
        $e.Exception.Message | Should -BeLike "bogus.psd1 line 2 (Bogus): unknown key 'Bogus' (the keys here are Programs, Maps)."
    }

    It 'a depth-30 map value is StateFileTooDeep naming the line, the key and the limit (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $path = New-StateFile "@{ Maps = @(@{ Path = '/sys/fs/bpf/h2-none'`n Entries = @(@{ Key = 1; Value = $(New-Nested 30) }) }) }" 'deep.psd1'
        $extra = $setArgs[$Command]
        $e = Get-Error { & $Command -LiteralPath $path @extra }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooDeep,*'
        $e.CategoryInfo.Category | Should -Be LimitsExceeded
        $key = 'Maps[0].Entries[0].Value' + ('.a' * 11)
        $e.Exception.Message |
            Should -Be "deep.psd1 line 2 ($key): hashtables and lists are nested more than 16 deep, the most a state file takes."
    }

    It '-State holding itself is StateFileTooDeep, not a stack overflow that ends the session (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $value = @{}
        $value.Self = $value
        $state = @{ Maps = @{ Path = '/sys/fs/bpf/h2-none'; Entries = @{ Key = 1; Value = $value } } }
        $extra = $setArgs[$Command]
        $e = Get-Error { & $Command -State $state @extra }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooDeep,*'
        $e.CategoryInfo.Category | Should -Be LimitsExceeded
        $e.Exception.Message | Should -Match '-State nests hashtables, objects and lists more than 16 deep'
    }

    It 'a file nested too deep for the parser is StateFileTooDeep too' {
        $path = New-StateFile ("@{ Maps = " + ('@(' * 40000) + (')' * 40000) + ' }') 'deeper.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooDeep,*'
        $e.Exception.Message | Should -Match 'at most 16 levels'
    }

    It 'a small file with a dynamic expression is still InvalidStateFile' {
        $path = New-StateFile "@{ Maps = @(@{ Path = (Get-Date) }) }" 'dyn.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $e.Exception.Message | Should -Match "dyn.psd1 line 1: only constant values are allowed in a state file, and '\(Get-Date\)' is not one"
    }

    It 'a large file with a dynamic expression is InvalidStateFile, not StateFileTooLarge' {
        $items = (1..3000 | ForEach-Object { "@{Path='/m$_'}" }) -join ",`n"
        $path = New-StateFile "@{ Maps = @($items, @{ Path = (Get-Date) }) }" 'bigdyn.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $e.Exception.Message | Should -Match 'bigdyn.psd1 line 3000: only constant values'
    }

    It 'nothing in the file runs: a subexpression that would make a file is refused and makes none' {
        $marker = Join-Path $TestDrive 'ran.txt'
        $path = New-StateFile "@{ Maps = @(@{ Path = `"`$(Set-Content '$marker' 1)`" }) }" 'code.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $marker | Should -Not -Exist
    }
}
