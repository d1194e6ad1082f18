# The house rules a reader relies on: every source folder is described, and lines stay readable.
BeforeAll {
    $script:root = Resolve-Path (Join-Path $PSScriptRoot '../..')
    $script:src = Join-Path $root 'src/EbpfPs'
    $script:architecture = Get-Content (Join-Path $root 'docs/ARCHITECTURE.md') -Raw
    $script:sources = Get-ChildItem $src -Recurse -Filter *.cs | Where-Object FullName -NotMatch '/(bin|obj)/'
}

Describe 'Architecture' {
    It 'names every folder under src/EbpfPs in docs/ARCHITECTURE.md' {
        $folders = Get-ChildItem $src -Recurse -Directory | Where-Object FullName -NotMatch '/(bin|obj)(/|$)' |
            ForEach-Object { [IO.Path]::GetRelativePath($src, $_.FullName) }
        $folders | Should -Not -BeNullOrEmpty
        $missing = @($folders | Where-Object { $architecture -notmatch [regex]::Escape("``$_/``") })
        $missing | Should -BeNullOrEmpty -Because 'each folder needs a row saying what it holds'
    }

    It 'keeps C# source and the architecture notes to lines of at most 120 characters' {
        $long = foreach ($f in @($sources) + (Get-Item (Join-Path $root 'docs/ARCHITECTURE.md'))) {
            $n = 0
            foreach ($line in Get-Content $f.FullName) {
                $n++
                # Markdown tables are one row a line by nature; prose and code are not.
                if ($line.Length -gt 120 -and -not ($f.Extension -eq '.md' -and $line.StartsWith('|'))) {
                    "$([IO.Path]::GetRelativePath($root, $f.FullName)):$n"
                }
            }
        }
        @($long) | Should -BeNullOrEmpty
    }

    It 'keeps source files small (no file over 550 lines)' {
        $big = $sources | Where-Object { (Get-Content $_.FullName).Count -gt 550 } |
            ForEach-Object { [IO.Path]::GetRelativePath($root, $_.FullName) }
        @($big) | Should -BeNullOrEmpty
    }
}
