# State files PowerShell's data-file reader cannot take (issue 19 item 7): a folder named like a state file and a
# file too large for the reader each get an id that says so, not "does not exist" or "only constants allowed".
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
}

Describe 'Test-BpfState and Set-BpfState on state files they cannot read' {
    It 'a folder named x.psd1 is NotARegularFile (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $dir = New-Item -ItemType Directory (Join-Path $TestDrive 'x.psd1')
        $extra = if ($Command -eq 'Set-BpfState') { @{ WhatIf = $true } } else { @{} }
        $e = Get-Error { & $Command -LiteralPath $dir.FullName @extra }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
        $e.Exception.Message | Should -Match 'is a directory'
        Remove-Item $dir
    }

    It 'a file of 100,000 map entries is StateFileTooLarge with the reader''s limits' {
        $items = (1..100000 | ForEach-Object { "@{Name='m$_'}" }) -join ",`n"
        $path = New-StateFile "@{ Maps = @($items) }" 'big.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooLarge,*'
        $e.CategoryInfo.Category | Should -Be LimitsExceeded
        $e.Exception.Message | Should -Match '500 keys'
    }

    It 'a hashtable of 600 keys is StateFileTooLarge' {
        $keys = (1..600 | ForEach-Object { "k$_ = 1" }) -join "`n"
        $path = New-StateFile "@{ Maps = @(@{ Name = 'm'; Entries = @{ $keys } }) }" 'wide.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'StateFileTooLarge,*'
        $e.Exception.Message | Should -Match '600 keys'
    }

    It 'a small file with a dynamic expression is still InvalidStateFile' {
        $path = New-StateFile "@{ Maps = @(@{ Name = (Get-Date) }) }" 'dyn.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $e.Exception.Message | Should -Match 'only constant values'
    }

    It 'a large file with a dynamic expression is InvalidStateFile, not StateFileTooLarge' {
        $items = (1..3000 | ForEach-Object { "@{Name='m$_'}" }) -join ",`n"
        $path = New-StateFile "@{ Maps = @($items, @{ Name = (Get-Date) }) }" 'bigdyn.psd1'
        $e = Get-Error { Test-BpfState -LiteralPath $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
    }
}
