# Hostile objects: a few hundred mutants of a BTF-rich object go through Import-BpfObject in one child pwsh.
# libbpf 1.1 trusts what it opens: before EbpfPs checked objects itself, some of these segfaulted the shell
# and some hung it in native code. The child runs them, so a crash or hang fails this test instead of
# ending the whole suite.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-Module $PSScriptRoot/ObjectMutants.psm1 -Force
    Import-EbpfPsUnderTest

    $script:work = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-fuzz-$PID-$([guid]::NewGuid().ToString('N'))"
    $script:pinRoot = New-ScratchPinPath 'ebpfps-fuzz'
    $source = Build-TestBpfObject btf_shapes
    # 30 of each of the 16 mutation classes; the seed keeps the corpus the same from run to run.
    $folder = Join-Path $work 'mutants'
    $script:mutants = @(New-ObjectMutant -Path $source -Destination $folder -Count 480 -Seed 11)
    $script:before = Get-KernelSnapshot

    $resultPath = Join-Path $work 'results.jsonl'
    $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    # Under the .NET tool this process is dotnet, and pwsh.dll is PowerShell; a pwsh binary needs no dll.
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -notlike 'pwsh*') {
        $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    $childArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'ImportMutants.ps1'),
        '-ModulePath', (Get-Module EbpfPs).Path, '-Folder', $folder, '-PinRoot', $pinRoot, '-ResultPath', $resultPath)
    foreach ($a in $childArgs) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $child = [Diagnostics.Process]::Start($start)
    $stdout = $child.StandardOutput.ReadToEndAsync(); $stderr = $child.StandardError.ReadToEndAsync()
    # A loop inside libbpf never returns: give up after two minutes (a normal run takes seconds).
    $script:childFinished = $child.WaitForExit(120000)
    if (-not $childFinished) { $child.Kill($true); $child.WaitForExit() }
    $script:childExit = $child.ExitCode
    $script:childOutput = $stdout.Result + $stderr.Result
    $script:results = @(if (Test-Path $resultPath) { Get-Content $resultPath | ConvertFrom-Json })
}

AfterAll {
    Remove-ScratchState
    if ($work) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'Import-BpfObject: mutated objects never kill the shell' {
    It 'the corpus has every class of mutation' {
        $mutants.Count | Should -Be 480
        @($mutants.Class | Sort-Object -Unique).Count | Should -Be 16
    }

    It 'the child pwsh survives every mutant and reports on each' {
        # The child writes a line after each mutant, so the first one without a line is the one it died on.
        $died = @($mutants | Sort-Object { Split-Path -Leaf $_.Path })[[Math]::Min($results.Count, $mutants.Count - 1)]
        $where = "$(Split-Path -Leaf $died.Path) ($($died.Mutation))"
        $childFinished | Should -BeTrue -Because "the child hung in $where"
        $childExit | Should -Be 0 -Because "the child died in ${where}: $childOutput"
        $results.Count | Should -Be $mutants.Count
    }

    It 'every failure is a BpfException with a specific ErrorId and category' {
        $failed = @($results | Where-Object Outcome -EQ 'Failed')
        $failed.Count | Should -BeGreaterThan ($mutants.Count / 2) -Because 'most mutants are malformed'
        $generic = 'NotSpecified', 'BpfOperationFailed', 'InvalidData', 'NotFound'
        foreach ($r in $failed) {
            $why = "$($r.Name): $($r.Message)"
            $r.Exception | Should -Be 'EbpfPs.Engine.Errors.BpfException' -Because $why
            $r.ErrorId | Should -Not -BeIn $generic -Because $why
            $r.Category | Should -Not -BeIn @('NotSpecified', 'ObjectNotFound') -Because $why
        }
    }

    It 'names what is wrong when the validator refuses a mutant' {
        $invalid = @($results | Where-Object ErrorId -EQ 'InvalidBpfObject')
        $invalid.Count | Should -BeGreaterThan 100
        foreach ($r in $invalid) { $r.Message | Should -Match 'section|type \[\d+\]|offset|header|symbol|ELF|file' }
        # A type id out of range in a map definition is what segfaulted libbpf 1.1: refused, with the id named.
        $named = 'refers to type \[\d+\], but the last type is'
        $outOfRange = @($results | Where-Object { $_.Name -like '*-MapDefinition.o' -and $_.Message -match $named })
        $outOfRange.Count | Should -BeGreaterThan 0
        # A map definition's typedef that names itself is what hung it: refused as a loop.
        $loops = @($results | Where-Object Name -Like '*-MapDefinitionLoop.o')
        $loops.Count | Should -Be 30
        foreach ($r in $loops) { $r.Message | Should -Match 'contains itself through' }
    }

    It 'releases every mutant that loaded: no program, pin or namespace is left' {
        $loaded = @($results | Where-Object Outcome -EQ 'Loaded')
        $loaded.Count | Should -BeGreaterThan 0 -Because 'some changes are harmless'
        @(Get-ChildItem -Recurse -Force $pinRoot -ErrorAction SilentlyContinue).Count | Should -Be 0
        # The scratch folder itself stays until AfterAll; anything in it, or anything else of this run, is a leak.
        Compare-KernelSnapshot -Before $before | Where-Object Name -NE $pinRoot | Should -BeNullOrEmpty
    }
}

Describe 'Import-BpfObject: valid objects with every BTF shape pass the validator' {
    It 'loads btf_features (tags, map-in-map, prog array, CO-RE, kconfig, global data) and releases it' {
        $path = Build-TestBpfObject btf_features
        $obj = Import-BpfObject -LiteralPath $path -PinPath (New-ScratchPinPath 'ebpfps-fuzz')
        try {
            $obj.Programs.Name | Sort-Object | Should -Be @('features_main', 'tail_target')
            foreach ($p in $obj.Programs) {
                (Invoke-Json bpftool -j prog show id $p.Id).btf_id | Should -BeGreaterThan 0
            }
            $obj.Maps.Name | Should -Contain 'outer'
        }
        finally {
            $ids = $obj.Programs.Id
            $obj | Remove-BpfObject -Confirm:$false
            Wait-ProgramGone $ids | Should -BeTrue
        }
    }
}

Describe 'Import-BpfObject: paths that are not object files' {
    BeforeAll {
        $null = New-Item -ItemType Directory -Force $work
        $script:fifo = Join-Path $work 'pipe.o'
        & mkfifo $fifo
        # Were the import to open the FIFO it would block until a writer came: this one comes after 5 s
        # (opening read-write never blocks), so a regression fails on the error id instead of hanging.
        $script:unblocker = Start-Process bash -ArgumentList "-c `"sleep 5; exec 3<>'$fifo'; sleep 1`"" -PassThru
    }
    AfterAll { if ($unblocker -and -not $unblocker.HasExited) { $unblocker.Kill() } }

    It 'a FIFO: NotARegularFile, without opening it' {
        $e = Get-Error { Import-BpfObject -LiteralPath $fifo }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'FIFO'
    }

    It 'a character device and a directory: NotARegularFile' {
        $e = Get-Error { Import-BpfObject -LiteralPath /dev/null }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e = Get-Error { Import-BpfObject -LiteralPath $work }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotARegularFile,*'
        $e.Exception.Message | Should -Match 'directory'
    }
}
