# Bad object files and -PinPath values (issue 19 item 7): each answers with the catalogued id and category that
# says what is wrong, never a raw .NET exception or another cause, and nothing is loaded or pinned.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:pins = New-ScratchPinPath 'ebpfps-badinput'
}

AfterAll {
    Remove-ScratchState
}

Describe 'Import-BpfObject on files that are not object files' {
    It 'a file that refuses reads (/proc/self/mem, EIO) is ObjectFileUnreadable with the errno' {
        $e = Get-Error { Import-BpfObject -LiteralPath /proc/self/mem }
        $e.FullyQualifiedErrorId | Should -BeLike 'ObjectFileUnreadable,*'
        $e.Exception.Errno | Should -Be 5
        $e.Exception.Message | Should -Match 'errno 5'
    }

    It 'a NUL in the path is ObjectFileNotFound, not an ArgumentException' {
        $e = Get-Error { Import-BpfObject -LiteralPath "$TestDrive/a`0b.o" }
        $e.FullyQualifiedErrorId | Should -BeLike 'ObjectFileNotFound,*'
        $e.Exception.Message | Should -Match 'NUL'
    }

    It 'a folder is NotARegularFile' {
        $e = Get-Error { Import-BpfObject -LiteralPath $TestDrive }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
    }

    It '/proc/kcore is refused with a catalogued id that does not call an existing file missing' {
        $e = Get-Error { Import-BpfObject -LiteralPath /proc/kcore }
        if (Test-Path -LiteralPath /proc/kcore) {
            # A regular file of the size of the kernel's address space: beyond any object, or unreadable.
            $e.FullyQualifiedErrorId | Should -BeLike 'Object*'
            $e.FullyQualifiedErrorId | Should -Not -BeLike 'ObjectFileNotFound,*'
        }
        else {
            # Kernels without CONFIG_PROC_KCORE have no such file, and then 'does not exist' is true.
            $e.FullyQualifiedErrorId | Should -BeLike 'ObjectFileNotFound,*'
        }
    }
}

Describe 'Import-BpfObject -PinPath that cannot be a pin folder' {
    It 'a NUL character is PinNameNotAllowed, not an ArgumentException' {
        $e = Get-Error { Import-BpfObject -Program drop -PinPath "$pins/a`0b" }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinNameNotAllowed,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
        $e.Exception.Message | Should -Match 'NUL'
        Test-Path -LiteralPath $pins | Should -BeFalse
    }

    It 'a 300-character name is PinPathTooLong and says the limit' {
        $e = Get-Error { Import-BpfObject -Program drop -PinPath "$pins/$('a' * 300)" }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinPathTooLong,*'
        $e.CategoryInfo.Category | Should -Be InvalidArgument
        $e.Exception.Message | Should -Match '255'
        Test-Path -LiteralPath $pins | Should -BeFalse
    }

    It 'a path longer than PATH_MAX of short names is PinPathTooLong' {
        $deep = $pins + ('/abcdefgh' * 460)
        $e = Get-Error { Import-BpfObject -Program drop -PinPath $deep }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinPathTooLong,*'
        $e.Exception.Message | Should -Match '4095'
        Test-Path -LiteralPath $pins | Should -BeFalse
    }

    It 'a pinned map, or a folder below one, is PinPathIsNotAFolder, and the pin stays' {
        $o = Import-BpfObject -LiteralPath (Build-TestBpfObject guard) -PinPath $pins
        try {
            $map = "$pins/src_stats"
            (Invoke-Json bpftool -j map show pinned $map).name | Should -Be 'src_stats'
            foreach ($path in $map, "$map/x") {
                $e = Get-Error { Import-BpfObject -Program drop -PinPath $path }
                $e.FullyQualifiedErrorId | Should -BeLike 'PinPathIsNotAFolder,*'
                $e.CategoryInfo.Category | Should -Be InvalidArgument
                $e.Exception.Message | Should -Match "'$([regex]::Escape($map))' is a pinned BPF object"
            }
            (Invoke-Json bpftool -j map show pinned $map).name | Should -Be 'src_stats'
        }
        finally {
            $o | Remove-BpfObject
        }
    }
}
