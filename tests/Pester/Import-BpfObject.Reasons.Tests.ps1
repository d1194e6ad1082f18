# Objects libbpf or the kernel refuse, and what the error says about them: libbpf's own reason line (checked against
# what bpftool prints for the same file) and the program or map that failed. Beside them: -ProgramName loads the
# named program alone (an object with a program this kernel refuses still gives the other), a pinned program
# test-runs by its path, and -ProgramName/-Program complete from the object being named.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:objects = @{}
    foreach ($name in 'legacy_maps', 'extern_memcmp', 'bad_map_flags', 'mixed_load', 'guard') {
        $objects[$name] = Build-TestBpfObject $name
    }

    function Get-BpftoolReasons([string] $File) {
        # What bpftool (libbpf underneath) prints when it loads the file, without the "libbpf: " prefix; the load
        # pins into a scratch folder that is removed whether it worked or not.
        $pins = New-ScratchPinPath -Prefix 'ebpfps-reasons'
        $said = & bpftool prog loadall $File $pins 2>&1 | ForEach-Object { "$_" -replace '^libbpf: ', '' }
        if (Test-Path -LiteralPath $pins) { Remove-Item -LiteralPath $pins -Recurse -Force }
        return $said
    }

    $script:packet = New-BpfTestPacket -Udp -Source 198.18.0.7 -Destination 198.18.0.9
}

AfterAll { Remove-ScratchState }

Describe 'A failed open or load says libbpf''s reason and names what failed' {
    It '<Name>: <Id>, with libbpf''s reason and the part that failed' -ForEach @(
        @{ Name = 'legacy_maps'; Id = 'InvalidBpfObject'; Reason = "legacy map definitions in 'maps' section are not supported by libbpf v1.0+"; Part = $null }
        @{ Name = 'extern_memcmp'; Id = 'InvalidBpfObject'; Reason = "failed to find BTF for extern 'memcmp'"; Part = $null }
        @{ Name = 'bad_map_flags'; Id = 'BpfObjectLoadFailed'; Reason = "map 'refused_array': failed to create"; Part = "map 'refused_array' failed (" }
        @{ Name = 'mixed_load'; Id = 'VerifierRejected'; Reason = $null; Part = "rejected program 'mixed_broken'" }
    ) {
        $before = Get-KernelSnapshot
        $e = Get-Error { Import-BpfObject -LiteralPath $objects[$Name] }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $message = $e.Exception.Message
        if ($Reason) {
            $message | Should -BeLike "*libbpf says: *$Reason*"
            # The line shown is one libbpf printed for bpftool too, not one of ours.
            $said = Get-BpftoolReasons $objects[$Name]
            @($said | Where-Object { $_ -like "*$Reason*" }).Count | Should -BeGreaterThan 0 -Because ($said -join "`n")
        }
        if ($Part) { $message | Should -BeLike "*$Part*" }
        $message | Should -Not -BeLike '*-Verbose shows*' -Because '-Verbose never showed libbpf''s lines'
        # Nothing half-loaded stays behind (programs of these names that another session loads are not this run's).
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'the reason line is one bpftool prints for the verifier''s refusal too: the program it names' {
        $said = Get-BpftoolReasons $objects.mixed_load
        @($said | Where-Object { $_ -like "prog 'mixed_broken': *fail*" }).Count | Should -BeGreaterThan 0
        $e = Get-Error { Import-BpfObject -LiteralPath $objects.mixed_load }
        $e.Exception.VerifierLog | Should -BeLike '*outside of the packet*'
    }

    It 'libbpf''s whole log stays under -Debug, and -Verbose carries none of it' {
        $debug = Import-BpfObject -LiteralPath $objects.legacy_maps -Debug -ErrorAction SilentlyContinue 5>&1 4>$null
        @($debug | Where-Object { "$_" -like "libbpf: *legacy map definitions*" }).Count | Should -Be 1
        $verbose = Import-BpfObject -LiteralPath $objects.legacy_maps -Verbose -ErrorAction SilentlyContinue 4>&1
        $verbose | Where-Object { "$_" -match 'libbpf' } | Should -BeNullOrEmpty
    }
}

Describe '-ProgramName loads only the named program' {
    It 'an object whose other program the kernel refuses test-runs the named one' {
        $ours = Invoke-BpfProgramTest -LiteralPath $objects.mixed_load -ProgramName mixed_pass -Packet $packet
        $ours.Verdict | Should -Be 'XDP_PASS'
        $ours.Program | Should -Be 'mixed_pass'
        # Loading all of it fails on the other program, so the run above did not load that one.
        (Get-Error { Invoke-BpfProgramTest -LiteralPath $objects.mixed_load -Packet $packet }).FullyQualifiedErrorId |
            Should -BeLike 'VerifierRejected,*'
    }

    It 'attaches the named program and pins only what was loaded, as bpftool sees it' {
        $ns = New-ScratchNamespace
        & ip -n $ns link add h1a type veth peer name h1b
        $pins = New-ScratchPinPath
        try {
            $a = Add-XdpProgram -Interface h1a -NetNamespace $ns -LiteralPath $objects.mixed_load -ProgramName mixed_pass -Mode Generic -PinPath $pins -PassThru
            $a.ProgramName | Should -Be 'mixed_pass'
            (Get-IpXdp $ns h1a).ProgramId | Should -Be $a.ProgramId
            @(Get-ChildItem -LiteralPath $pins -Name | Sort-Object) | Should -Be @('mixed_pass', 'seen')
            (Invoke-Json bpftool -j prog show pinned "$pins/mixed_pass").id | Should -Be $a.ProgramId
        }
        finally {
            Remove-XdpProgram -Interface h1a -NetNamespace $ns -Confirm:$false -ErrorAction SilentlyContinue
            Remove-ScratchState
        }
    }

    It 'programs a program array''s static slots name load with it: libbpf fills the slots at load' {
        $file = Build-TestBpfObject btf_features
        $ours = Invoke-BpfProgramTest -LiteralPath $file -ProgramName features_main -Packet $packet
        $ours.Program | Should -Be 'features_main'
    }

    It 'a name the object does not have is refused before anything is loaded, listing its programs' {
        $before = Get-KernelSnapshot
        $e = Get-Error { Invoke-BpfProgramTest -LiteralPath $objects.mixed_load -ProgramName mixed_nope -Packet $packet }
        $e.FullyQualifiedErrorId | Should -BeLike 'BpfProgramNotInObject,*'
        $e.Exception.Message | Should -BeLike '*It has: mixed_pass, mixed_broken.'
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }
}

Describe 'A pinned program test-runs by its path' {
    BeforeAll {
        $script:pins = New-ScratchPinPath
        $script:guard = Import-BpfObject -LiteralPath $objects.guard -PinPath $pins
        # 198.18.0.7 goes on the blocklist through bpftool, so the verdicts depend on the pinned program's maps.
        & bpftool map update pinned "$pins/blocked" key 198 18 0 7 value 1
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-pinrun-$PID"
        $null = New-Item -ItemType Directory -Force $dir
        $script:dataIn = Join-Path $dir 'in'
    }
    AfterAll {
        if ($guard) { $guard | Remove-BpfObject }
        Remove-ScratchState
    }

    It '<Program> by -<By> gives what bpftool prog run pinned gives for <Source>' -ForEach @(
        @{ Program = 'guard_xdp'; Hook = 'Xdp'; By = 'LiteralPath'; Source = '198.18.0.7'; Verdict = 'XDP_DROP' }
        @{ Program = 'guard_xdp'; Hook = 'Xdp'; By = 'Program'; Source = '198.18.0.8'; Verdict = 'XDP_PASS' }
        @{ Program = 'guard_tc'; Hook = 'Tc'; By = 'LiteralPath'; Source = '198.18.0.7'; Verdict = 'TC_ACT_SHOT' }
    ) {
        $p = New-BpfTestPacket -Udp -Source $Source -Destination 198.18.0.9
        $at = @{ $By = "$pins/$Program" }
        $ours = Invoke-BpfProgramTest @at -Hook $Hook -Packet $p
        $ours.Verdict | Should -Be $Verdict
        $ours.ProgramId | Should -Be ($guard.Programs | Where-Object Name -EQ $Program).Id
        [IO.File]::WriteAllBytes($dataIn, $p.Bytes)
        $theirs = Invoke-Json bpftool -j prog run pinned "$pins/$Program" data_in $dataIn repeat 1
        $ours.ReturnValue | Should -Be $theirs.retval
    }

    It 'a pinned map is refused as WrongPinnedObjectType, and -PinPath as PinPathNotApplicable' {
        (Get-Error { Invoke-BpfProgramTest -LiteralPath "$pins/blocked" -Packet $packet }).FullyQualifiedErrorId |
            Should -BeLike 'WrongPinnedObjectType,*'
        (Get-Error { Invoke-BpfProgramTest -LiteralPath "$pins/guard_xdp" -PinPath "$pins-more" -Packet $packet }).FullyQualifiedErrorId |
            Should -BeLike 'PinPathNotApplicable,*'
        Test-Path -LiteralPath "$pins-more" | Should -BeFalse
    }

    It 'a pin that is not there is PinnedObjectNotFound' {
        (Get-Error { Invoke-BpfProgramTest -LiteralPath "$pins/gone" -Packet $packet }).FullyQualifiedErrorId |
            Should -BeLike 'PinnedObjectNotFound,*'
    }
}

Describe 'Completion from the object being named' {
    It '-ProgramName after -<By> offers the file''s programs, not the built-ins' -ForEach @(
        @{ By = 'LiteralPath' }, @{ By = 'Path' }, @{ By = 'Program' }
    ) {
        $loaded = Import-BpfObject -LiteralPath $objects.guard
        try { $names = @($loaded.Programs.Name) } finally { $loaded | Remove-BpfObject }
        $names.Count | Should -Be 2
        $offered = Get-Completion "Invoke-BpfProgramTest -$By $($objects.guard) -ProgramName "
        ($offered | Sort-Object) | Should -Be ($names | Sort-Object)
        Get-Completion "Add-TcProgram -$By $($objects.guard) -ProgramName guard_t" | Should -Be @('guard_tc')
    }

    It '-Program ./gu offers the object file beside it, and a relative -Path completes -ProgramName' {
        Push-Location (Split-Path $objects.guard)
        try {
            Get-Completion 'Invoke-BpfProgramTest -Program ./gu' | Should -Contain './guard.o'
            Get-Completion 'Invoke-BpfProgramTest -Path ./guard.o -ProgramName guard_x' | Should -Be @('guard_xdp')
        }
        finally { Pop-Location }
    }

    It '-Program without a path still offers the built-ins' {
        Get-Completion 'Add-XdpProgram -Program dro' | Should -Contain 'drop'
    }
}
