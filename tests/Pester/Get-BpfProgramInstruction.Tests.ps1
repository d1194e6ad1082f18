# A program's code, cross-checked with `bpftool -j prog dump xlated` instruction by instruction (disassembly text,
# source lines) and `bpftool -j prog show` (xlated and jited sizes, map ids).
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    # Built-ins whose code covers loads, stores, ALU and JMP forms, 64-bit map loads, helper calls the verifier
    # turned into kernel calls (named by kallsyms), inlined map lookups and both hooks.
    $script:loaded = @(
        Import-BpfObject -Program drop -Hook Xdp -PinPath (New-ScratchPinPath 'ebpfps-k4-insn')
        Import-BpfObject -Program count_pass -Hook Xdp -PinPath (New-ScratchPinPath 'ebpfps-k4-insn')
        Import-BpfObject -Program router_firewall -Hook Xdp -PinPath (New-ScratchPinPath 'ebpfps-k4-insn')
        Import-BpfObject -Program router -Hook Tc -PinPath (New-ScratchPinPath 'ebpfps-k4-insn')
    )
    $script:programs = @($loaded | ForEach-Object { $_.Programs[0] })

    function Get-Normalized([string] $Text) { ($Text -replace '\s+', ' ').Trim() }
}

AfterAll {
    $loaded | Remove-BpfObject -Confirm:$false
    Remove-ScratchState
}

Describe 'Get-BpfProgramInstruction against bpftool prog dump xlated' {
    It '<Name> (<Type>): the same instructions, in order, with the same disassembly text' -ForEach @(
        @{ Index = 0; Name = 'drop'; Type = 'xdp' }, @{ Index = 1; Name = 'count_pass'; Type = 'xdp' },
        @{ Index = 2; Name = 'router_firewall'; Type = 'xdp' }, @{ Index = 3; Name = 'router'; Type = 'sched_cls' }
    ) {
        $program = $programs[$Index]
        $ours = @(Get-BpfProgramInstruction -Id $program.Id)
        $theirs = @(Invoke-Json bpftool -j prog dump xlated id $program.Id)
        $ours.Count | Should -Be $theirs.Count
        $ours.Count | Should -BeGreaterThan 1
        # Every difference at once (Should per instruction would stop at the first and take seconds).
        @(for ($i = 0; $i -lt $ours.Count; $i++) {
                $a, $b = (Get-Normalized $ours[$i].Disassembly), (Get-Normalized $theirs[$i].disasm)
                if ($a -ne $b) { "${i}: ours '$a', bpftool '$b'" }
            }) | Should -BeNullOrEmpty
        @($ours.ProgramId | Sort-Object -Unique) | Should -Be @($program.Id)
        @($ours | Where-Object Text -EQ 'exit') | Should -Not -BeNullOrEmpty
    }

    It '<Name>: the C source lines where bpftool prints them, and every instruction under its line' -ForEach @(
        @{ Index = 1; Name = 'count_pass' }, @{ Index = 2; Name = 'router_firewall' }, @{ Index = 3; Name = 'router' }
    ) {
        $program = $programs[$Index]
        $ours = @(Get-BpfProgramInstruction -Id $program.Id)
        $theirs = @(Invoke-Json bpftool -j prog dump xlated id $program.Id linum)
        $starts = 0
        for ($i = 0; $i -lt $ours.Count; $i++) {
            if ($theirs[$i].PSObject.Properties['line_num']) {
                $starts++
                $ours[$i].StartsLine | Should -BeTrue -Because "bpftool starts a line at instruction $i"
                $ours[$i].File | Should -Be $theirs[$i].file
                $ours[$i].Line | Should -Be $theirs[$i].line_num
                $ours[$i].Column | Should -Be $(if ($theirs[$i].PSObject.Properties['line_col']) { $theirs[$i].line_col } else { 0 })
                $ours[$i].Source | Should -Be $theirs[$i].src.Trim()
            }
            elseif ($ours[$i].StartsLine) {
                # A record of line 0 (code the compiler ties to no line): bpftool's text prints it, its JSON does not.
                ($ours[$i].Line, $ours[$i].Source) | Should -Be @(0, '')
            }
            else {
                $ours[$i].Line | Should -Be $ours[$i - 1].Line -Because 'an instruction belongs to the line above it'
            }
        }
        $starts | Should -BeGreaterThan 2
        @($ours.Function | Sort-Object -Unique) | Should -Be @($Name)
        $ours[0].File | Should -BeLike "*/bpf/$Name.c"
    }

    It 'numbers instructions in 8-byte slots (a 64-bit load takes two) and covers XlatedSize with the raw bytes' {
        $program = $programs[2]
        $ours = @(Get-BpfProgramInstruction -Id $program.Id)
        $show = Invoke-Json bpftool -j prog show id $program.Id
        $bytes = 0
        foreach ($insn in $ours) {
            $insn.Offset | Should -Be ($bytes / 8)
            $insn.GetBytes()[0] | Should -Be $insn.Opcode
            $bytes += $insn.Hex.Length / 2
        }
        $bytes | Should -Be $show.bytes_xlated
        # bpftool writes the same instructions raw to a file; the bytes agree one for one.
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-k4-$PID-xlated.bin"
        try {
            & bpftool prog dump xlated id $program.Id file $file
            $LASTEXITCODE | Should -Be 0
            -join $ours.Hex | Should -Be ([Convert]::ToHexString([IO.File]::ReadAllBytes($file)).ToLowerInvariant())
        }
        finally { Remove-Item $file -ErrorAction Ignore }
        $wide = @($ours | Where-Object Opcode -EQ 0x18)
        $wide | Should -Not -BeNullOrEmpty
        $wide | ForEach-Object { $_.Hex.Length | Should -Be 32 }
        # Map references name the maps the kernel lists for the program.
        $ids = @($wide | Where-Object Text -Match 'map\[id:(\d+)\]' | ForEach-Object { [uint32]($_.Text -replace '.*map\[id:(\d+)\].*', '$1') })
        $ids | Should -Not -BeNullOrEmpty
        $ids | ForEach-Object { $show.map_ids | Should -Contain $_ }
    }

    It 'takes programs by -Name and from Get-BpfProgram and attachments by the pipeline' {
        $program = $programs[1]
        $byId = @(Get-BpfProgramInstruction -Id $program.Id)
        @(Get-BpfProgram -Id $program.Id | Get-BpfProgramInstruction).Count | Should -Be $byId.Count
        @([pscustomobject]@{ ProgramId = $program.Id } | Get-BpfProgramInstruction).Count | Should -Be $byId.Count
        $named = @(Get-BpfProgramInstruction -Name count_pas? | Where-Object ProgramId -EQ $program.Id)
        $named.Count | Should -Be $byId.Count
    }

    It '-Jited: the machine code per source line covers the jited image, in line order' {
        foreach ($program in $programs) {
            $show = Invoke-Json bpftool -j prog show id $program.Id
            $regions = @(Get-BpfProgramInstruction -Id $program.Id -Jited)
            $regions | Should -Not -BeNullOrEmpty
            ($regions | Measure-Object Length -Sum).Sum | Should -Be $show.bytes_jited
            $regions[0].Offset | Should -Be 0
            for ($i = 1; $i -lt $regions.Count; $i++) {
                $regions[$i].Offset | Should -Be ($regions[$i - 1].Offset + $regions[$i - 1].Length)
                $regions[$i].Address | Should -Be ($regions[0].Address + [uint64]$regions[$i].Offset)
            }
            $regions | ForEach-Object { $_.Hex.Length | Should -Be (2 * $_.Length) }
        }
        # Each region of a program with line info names the line of its first instruction.
        $insns = @(Get-BpfProgramInstruction -Id $programs[2].Id)
        foreach ($r in Get-BpfProgramInstruction -Id $programs[2].Id -Jited) {
            $first = $insns | Where-Object Offset -EQ $r.InstructionOffset
            $r.Line | Should -Be $first.Line
            $r.Source | Should -Be $first.Source
        }
    }

    It 'renders at 80 columns without cutting anything' {
        $text = Get-BpfProgramInstruction -Id $programs[2].Id | Out-String -Width 80
        $text | Should -Match '\(85\) call '
        $text | Should -Not -Match '…'
        @($text -split "`n" | Where-Object Length -GT 80) | Should -BeNullOrEmpty
    }

    It 'exports flat: CSV cells and JSON fields are plain values, bytes as hex text' {
        # C source lines hold braces, so the shape meta-test's brace check does not apply; type names still must not.
        foreach ($rows in @(Get-BpfProgramInstruction -Id $programs[1].Id), @(Get-BpfProgramInstruction -Id $programs[1].Id -Jited)) {
            $csv = @($rows | ConvertTo-Csv | ConvertFrom-Csv)
            $csv.Count | Should -Be $rows.Count
            @($csv | ForEach-Object { $_.PSObject.Properties.Value } | Where-Object { $_ -match '\bSystem\.[A-Z]|\bEbpfPs\.[A-Z]|^@\{' }) |
                Should -BeNullOrEmpty
            $csv[0].Hex | Should -Match '^([0-9a-f]{2})+$'
            $json = $rows[0] | ConvertTo-Json | ConvertFrom-Json
            $json.Hex | Should -Be $rows[0].Hex
        }
    }

    It 'reads a pinned program by -LiteralPath, and refuses pins that are not programs' {
        $program = $programs[1]
        $byPin = @(Get-BpfProgramInstruction -LiteralPath $program.PinnedPath)
        $byPin.Count | Should -Be @(Get-BpfProgramInstruction -Id $program.Id).Count
        @($byPin.ProgramId | Sort-Object -Unique) | Should -Be @($program.Id)
        $theirs = @(Invoke-Json bpftool -j prog dump xlated pinned $program.PinnedPath)
        $byPin.Count | Should -Be $theirs.Count
        (Get-Error { Get-BpfProgramInstruction -LiteralPath $loaded[1].Maps[0].PinnedPath }).FullyQualifiedErrorId |
            Should -BeLike 'WrongPinnedObjectType,*'
        (Get-Error { Get-BpfProgramInstruction -LiteralPath /etc/hostname }).FullyQualifiedErrorId |
            Should -BeLike 'PinPathNotOnBpfFs,*'
    }

    It 'reports a program that is not loaded as BpfProgramNotFound' {
        $e = Get-Error { Get-BpfProgramInstruction -Id 4000000000 }
        $e.FullyQualifiedErrorId | Should -BeLike 'BpfProgramNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
