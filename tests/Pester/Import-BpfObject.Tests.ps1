BeforeDiscovery {
    $script:builtins = foreach ($src in Get-ChildItem $PSScriptRoot/../../bpf -Filter *.c -File) {
        @{ Name = $src.BaseName; Hook = 'Xdp'; Type = 'xdp' }
        @{ Name = $src.BaseName; Hook = 'Tc'; Type = 'sched_cls' }
    }
    $script:builtins += foreach ($src in Get-ChildItem $PSScriptRoot/../../bpf/xdp_only -Filter *.c -File -ErrorAction Ignore) {
        @{ Name = $src.BaseName; Hook = 'Xdp'; Type = 'xdp' }
    }
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest



    function Invoke-WithoutBpfCapabilities([string] $Script) {
        # A child pwsh whose bounding set lacks the BPF capabilities: root, but unprivileged for bpf().
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-nocap-$PID.ps1"
        Set-Content $file "Import-Module '$((Get-Module EbpfPs).Path)'; $Script"
        try { & capsh --drop=cap_bpf,cap_sys_admin,cap_perfmon,cap_net_admin -- -c "'$([Environment]::ProcessPath)' '$PSHOME/pwsh.dll' -NoProfile -NonInteractive -File '$file'" 2>&1 }
        finally { Remove-Item $file }
    }
}

AfterAll {
    Remove-ScratchState
}

Describe 'Import-BpfObject: every built-in program passes the verifier at its hook' {
    It '<Name> (<Hook>) loads as <Type>, as bpftool sees it' -ForEach $builtins {
        # Maps pinned by name go under a scratch folder instead of /sys/fs/bpf itself.
        $pin = New-ScratchPinPath
        $obj = Import-BpfObject -Program $Name -Hook $Hook -PinPath $pin
        try {
            $obj.Programs.Count | Should -BeGreaterThan 0
            foreach ($p in $obj.Programs) {
                $theirs = Invoke-Json bpftool -j prog show id $p.Id
                $theirs.type | Should -Be $Type
                $theirs.tag | Should -Be $p.Tag
                $p.Type | Should -Be $Type
                $p.Info.BtfId | Should -BeGreaterThan 0 -Because 'every built-in carries BTF'
            }
        }
        finally {
            $ids = $obj.Programs.Id
            $obj | Remove-BpfObject -Confirm:$false
            Wait-ProgramGone $ids | Should -BeTrue
        }
    }
}

Describe 'Import-BpfObject: loading files' {
    BeforeAll { $script:tiny = Build-TestBpfObject tiny_xdp }

    It 'loads a file and returns its programs and maps, released on Remove-BpfObject' {
        $obj = Import-BpfObject -Path $tiny
        $obj.Programs.Name | Should -Be 'tiny_pass'
        $obj.Maps.Name | Should -Contain 'tiny_hits'
        $p = Invoke-Json bpftool -j prog show id $obj.Programs[0].Id
        $p.name | Should -Be 'tiny_pass'
        $p.map_ids | Should -Contain ($obj.Maps | Where-Object Name -EQ 'tiny_hits').Id
        $id = $obj.Programs[0].Id
        $obj | Remove-BpfObject -Confirm:$false
        $obj.IsLoaded | Should -BeFalse
        Wait-ProgramGone $id | Should -BeTrue
    }

    It 'pins programs and maps under -PinPath, and Remove-BpfProgram -LiteralPath unpins them' {
        $pin = New-ScratchPinPath
        $obj = Import-BpfObject -LiteralPath $tiny -PinPath $pin
        $prog = Invoke-Json bpftool -j prog show pinned "$pin/tiny_pass"
        $prog.id | Should -Be $obj.Programs[0].Id
        (Invoke-Json bpftool -j map show pinned "$pin/tiny_hits").id | Should -Be ($obj.Maps | Where-Object Name -EQ 'tiny_hits').Id
        $obj.Dispose()
        # Still loaded: the pin holds it.
        (Invoke-Json bpftool -j prog show id $prog.id).id | Should -Be $prog.id
        Remove-BpfProgram -LiteralPath $pin -Confirm:$false
        Test-Path $pin | Should -BeFalse
        Wait-ProgramGone $prog.id | Should -BeTrue
    }

    It 'pins a file''s by-name maps where libbpf does (the bpffs root), owns the pins it created, leaves ones it reused' {
        $root = '/sys/fs/bpf/fibrt_flows'
        Test-Path $root | Should -BeFalse -Because 'the test needs a bpffs root without its fixture''s pin'
        # The fixture's section (router) says no type: -Hook does.
        $first = Import-BpfObject -LiteralPath (Build-TestBpfObject fib_router -Hook Xdp) -Hook Xdp
        $second = Import-BpfObject -LiteralPath (Build-TestBpfObject fib_router -Hook Tc) -Hook Tc
        try {
            $first.CreatedPins | Should -Be $root
            $second.CreatedPins | Should -BeNullOrEmpty
            # Both hooks' routers count into the same pinned map, as tk154/eBPF-Tests' routers did.
            $pinned = Invoke-Json bpftool -j map show pinned $root
            ($first.Maps | Where-Object Name -EQ fibrt_flows).Id | Should -Be $pinned.id
            ($second.Maps | Where-Object Name -EQ fibrt_flows).Id | Should -Be $pinned.id
            $second | Remove-BpfObject -Confirm:$false
            Test-Path $root | Should -BeTrue
        }
        finally {
            $first, $second | Remove-BpfObject -Confirm:$false
        }
        Test-Path $root | Should -BeFalse
    }

    It 'pins a built-in''s by-name maps in a private folder of its program, never at the bpffs root' {
        $before = Get-KernelSnapshot
        $first = Import-BpfObject -Program router -Hook Xdp
        $second = Import-BpfObject -Program router -Hook Xdp
        try {
            foreach ($o in $first, $second) {
                $folder = "/sys/fs/bpf/ebpfps/programs/$($o.Programs[0].Id)"
                $o.CreatedPins | Should -Be "$folder/rout_stats"
                $map = $o.Maps | Where-Object Name -EQ rout_stats
                $map.PinnedPath | Should -Be "$folder/rout_stats"
                (Invoke-Json bpftool -j map show pinned "$folder/rout_stats").id | Should -Be $map.Id
            }
            # Two loads, two maps: nobody counts into (or removes) another's counters.
            ($first.Maps | Where-Object Name -EQ rout_stats).Id | Should -Not -Be ($second.Maps | Where-Object Name -EQ rout_stats).Id
            # A pin of theirs anywhere else (rout_stats at the root, say) would be reported: these objects hold its map.
            Compare-KernelSnapshot -Before $before -TimeoutMs 0 | Where-Object Kind -EQ Pin |
                Where-Object Name -NotLike '/sys/fs/bpf/ebpfps/programs/*' | Should -BeNullOrEmpty
        }
        finally {
            $first, $second | Remove-BpfObject -Confirm:$false
        }
        foreach ($o in $first, $second) { Test-Path "/sys/fs/bpf/ebpfps/programs/$($o.Programs[0].Id)" | Should -BeFalse }
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'a section that says no type without -Hook: ProgramTypeUnknown naming the section, and nothing loaded' {
        $file = Build-TestBpfObject fib_router -Hook Xdp
        $before = Get-KernelSnapshot
        $e = Get-Error { Import-BpfObject -LiteralPath $file }
        $e.FullyQualifiedErrorId | Should -BeLike 'ProgramTypeUnknown,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match "section name 'router'"
        $e.ErrorDetails.RecommendedAction | Should -Match '-Hook Xdp or -Hook Tc'
        # bpftool refuses it alike: no type can be guessed from the section.
        & bpftool prog load $file (New-ScratchPinPath) 2>&1 | Out-String | Should -Match 'guess|type'
        $LASTEXITCODE | Should -Not -Be 0
        # The object's by-name map would be pinned at the root, a name shared with anyone: claimed with -Name.
        Compare-KernelSnapshot -Before $before -Name /sys/fs/bpf/fibrt_flows | Where-Object Name -NotLike '/sys/fs/bpf/ebpfps-test-*' |
            Should -BeNullOrEmpty
    }

    It 'loads nothing with -WhatIf' {
        $before = Get-KernelSnapshot
        Import-BpfObject -Path $tiny -WhatIf | Should -BeNullOrEmpty
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'shows what libbpf said with -Debug, and what it loaded with -Verbose' {
        $obj = Import-BpfObject -Path $tiny -Debug 5>&1 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [EbpfPs.BpfObject] }
        try {
            @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] -and $_.Message -like 'libbpf:*' }).Count | Should -BeGreaterThan 0
            @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'libbpf:*' }).Count | Should -Be 0
            @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Loaded object *tiny_xdp.o: 1 program, *' }).Count | Should -Be 1
        }
        finally { $obj.Dispose() }
    }
}

Describe 'Import-BpfObject: bad input' {
    It 'a path that does not exist: ObjectFileNotFound' {
        $e = Get-Error { Import-BpfObject -LiteralPath /nonexistent/x.o }
        $e.FullyQualifiedErrorId | Should -BeLike 'ObjectFileNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a file that is not ELF: NotAnElfFile' {
        $e = Get-Error { Import-BpfObject -LiteralPath $PSCommandPath }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotAnElfFile,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'an ELF that is not a BPF object: InvalidBpfObject' {
        $e = Get-Error { Import-BpfObject -LiteralPath /bin/true }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidBpfObject,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a BPF ELF with no program: NoBpfProgram' {
        $e = Get-Error { Import-BpfObject -LiteralPath (Build-TestBpfObject no_program) }
        $e.FullyQualifiedErrorId | Should -BeLike 'NoBpfProgram,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'a program the verifier rejects: VerifierRejected with the log attached' {
        $e = Get-Error { Import-BpfObject -LiteralPath (Build-TestBpfObject bad_verifier) }
        $e.FullyQualifiedErrorId | Should -BeLike 'VerifierRejected,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.VerifierLog | Should -Match 'invalid access to packet'
        $e.ErrorDetails.Message | Should -Match 'Verifier log'
        $e.ErrorDetails.Message | Should -Match 'invalid access to packet'
        $e.Exception.Errno | Should -Be 13
    }

    It 'a pin path outside bpffs: PinPathNotOnBpfFs, and nothing is loaded' {
        $before = Get-KernelSnapshot
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-notbpffs-$PID"
        $e = Get-Error { Import-BpfObject -LiteralPath (Build-TestBpfObject tiny_xdp) -PinPath $dir }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinPathNotOnBpfFs,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Test-Path $dir | Should -BeFalse
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'an unknown built-in name: BuiltinProgramNotFound naming the ones there are' {
        $e = Get-Error { Import-BpfObject -Program no_such_prog }
        $e.FullyQualifiedErrorId | Should -BeLike 'BuiltinProgramNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e.Exception.Message | Should -Match 'drop'
    }

    It 'a run without CAP_BPF: PermissionDenied with the fix named' {
        $out = Invoke-WithoutBpfCapabilities "try { Import-BpfObject -LiteralPath '$(Build-TestBpfObject tiny_xdp)' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.ErrorDetails.RecommendedAction }"
        $out[0] | Should -BeLike '*PermissionDenied,*'
        $out[1] | Should -Be 'PermissionDenied'
        $out[2] | Should -Match 'CAP_BPF'
    }

    It 'listing programs without CAP_SYS_ADMIN: PermissionDenied' {
        $out = Invoke-WithoutBpfCapabilities "try { Get-BpfProgram -ErrorAction Stop | Out-Null; 'listed' } catch { `$_.CategoryInfo.Category.ToString() }"
        $out | Should -Be 'PermissionDenied'
    }
}

Describe 'Import-BpfObject -PinPath: its own pins, and only those' {
    BeforeAll {
        $script:tiny = Build-TestBpfObject tiny_xdp
    }

    It 'a second import into the same folder fails with PinExists, loads nothing, and leaves the first import''s pins' {
        $pin = New-ScratchPinPath
        $first = Import-BpfObject -LiteralPath $tiny -PinPath $pin
        try {
            $before = Get-KernelSnapshot
            $e = Get-Error { Import-BpfObject -LiteralPath $tiny -PinPath $pin }
            $e.FullyQualifiedErrorId | Should -BeLike 'PinExists,*'
            $e.CategoryInfo.Category | Should -Be 'ResourceExists'
            $e.TargetObject | Should -Be "$pin/tiny_pass"
            (Invoke-Json bpftool -j prog show pinned "$pin/tiny_pass").id | Should -Be $first.Programs[0].Id
            (Invoke-Json bpftool -j map show pinned "$pin/tiny_hits").id | Should -Be ($first.Maps | Where-Object Name -EQ tiny_hits).Id
            Compare-KernelSnapshot -Before $before -TimeoutMs 0 | Should -BeNullOrEmpty -Because 'the refusal comes before the load'
        }
        finally { $first | Remove-BpfObject -Confirm:$false }
        Test-Path $pin | Should -BeFalse -Because 'the first import made the folder, so its removal removes it'
    }

    It 'Remove-BpfObject leaves a pin that no longer holds its program, and a folder it did not make' {
        $pin = New-ScratchPinPath
        $null = New-Item -ItemType Directory $pin
        $obj = Import-BpfObject -LiteralPath $tiny -PinPath $pin
        $other = Import-BpfObject -LiteralPath $tiny
        try {
            # Someone re-pins the program path to another program.
            Remove-Item "$pin/tiny_pass"
            & bpftool prog pin id $other.Programs[0].Id "$pin/tiny_pass"
            $obj | Remove-BpfObject -Confirm:$false
            (Invoke-Json bpftool -j prog show pinned "$pin/tiny_pass").id | Should -Be $other.Programs[0].Id
            Test-Path "$pin/tiny_hits" | Should -BeFalse
            Test-Path $pin | Should -BeTrue
        }
        finally { $other | Remove-BpfObject -Confirm:$false }
    }

    It 'a failed import leaves no pins and no folder it made' {
        $pin = New-ScratchPinPath
        $e = Get-Error { Import-BpfObject -LiteralPath (Build-TestBpfObject bad_verifier) -PinPath "$pin/a/b" }
        $e.FullyQualifiedErrorId | Should -BeLike 'VerifierRejected,*'
        Test-Path $pin | Should -BeFalse
    }

    It 'a program whose name has a dot: PinNameNotAllowed before anything is loaded' {
        $pin = New-ScratchPinPath
        $obj = Build-TestBpfObject dotted_prog
        $before = Get-KernelSnapshot
        $e = Get-Error { Import-BpfObject -LiteralPath $obj -PinPath $pin }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinNameNotAllowed,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match "'dot\.ted'"
        Test-Path $pin | Should -BeFalse
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        # Without -PinPath the kernel takes the name as it is.
        $loaded = Import-BpfObject -LiteralPath $obj
        try { (Invoke-Json bpftool -j prog show id $loaded.Programs[0].Id).name | Should -Be 'dot.ted' }
        finally { $loaded | Remove-BpfObject -Confirm:$false }
    }

    It 'a program and a map that would share a pin name: PinNameCollision naming both' {
        $pin = New-ScratchPinPath
        $file = Build-TestBpfObject pincoll
        $before = Get-KernelSnapshot
        $e = Get-Error { Import-BpfObject -LiteralPath $file -PinPath $pin }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinNameCollision,*'
        $e.Exception.Message | Should -Match "program 'pincoll_bss' and map 'pincoll\.bss'"
        Test-Path $pin | Should -BeFalse
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }
}

Describe 'Import-BpfObject: BTF the kernel refuses' {
    It 'is BtfRejected with the kernel''s BTF log, not a verifier rejection' {
        $good = Build-TestBpfObject btf_required
        $bytes = [IO.File]::ReadAllBytes($good)
        # Rename the typedef __u64 to -_u64 in .BTF's strings: libbpf and the module's validator take it, the kernel
        # does not (a name must be an identifier), and the socket-storage map cannot be made without BTF.
        $shoff = [BitConverter]::ToUInt64($bytes, 40); $shnum = [BitConverter]::ToUInt16($bytes, 60)
        $names = $shoff + 64 * [BitConverter]::ToUInt16($bytes, 62)
        $namesAt = [BitConverter]::ToUInt64($bytes, $names + 24)
        $btf = for ($i = 0; $i -lt $shnum; $i++) {
            $h = $shoff + 64 * $i
            $name = [Text.Encoding]::ASCII.GetString($bytes, $namesAt + [BitConverter]::ToUInt32($bytes, $h), 5)
            if ($name -eq ".BTF`0") { [BitConverter]::ToUInt64($bytes, $h + 24) }
        }
        $text = [Text.Encoding]::Latin1.GetString($bytes)
        $at = $text.IndexOf("`0__u64`0", [int]$btf)
        $at | Should -BeGreaterThan 0
        $bytes[$at + 1] = [byte][char]'-'
        $bad = Join-Path (Split-Path $good) 'btf_rejected.o'
        [IO.File]::WriteAllBytes($bad, $bytes)

        $ok = Import-BpfObject -LiteralPath $good
        $ok | Remove-BpfObject -Confirm:$false
        $e = Get-Error { Import-BpfObject -LiteralPath $bad }
        $e.FullyQualifiedErrorId | Should -BeLike 'BtfRejected,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match 'Invalid name'
        $e.Exception.VerifierLog | Should -Match '^magic: 0xeb9f'
        $e.ErrorDetails.Message | Should -Match 'BTF log:'
    }
}
