# XDP attach, replace, roll back and detach, each checked through Get-XdpProgram and `ip -d link`.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:r = $net['RouterA'].NetNamespace
    $script:ra = $net['RouterA'].Interface
    $script:rb = $net['RouterB'].Interface
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Add-XdpProgram' {
    AfterEach { Get-XdpProgram -NetNamespace $r | Remove-XdpProgram -Confirm:$false }

    It 'attaches in <Mode> mode as ip sees it, and detaches' -ForEach @(@{ Mode = 'Native' }, @{ Mode = 'Generic' }) {
        $a = Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode $Mode -PassThru
        $a.Mode | Should -Be $Mode
        $ip = Get-IpXdp $r $ra
        $ip.Mode | Should -Be $Mode
        $ip.ProgramId | Should -Be $a.ProgramId
        (Invoke-Json bpftool -j prog show id $a.ProgramId).name | Should -Be 'drop'
        $listed = Get-XdpProgram -NetNamespace $r -Interface $ra
        $listed.ProgramId | Should -Be $a.ProgramId
        $listed.Mode | Should -Be $Mode
        Remove-XdpProgram -Interface $ra -NetNamespace $r -Confirm:$false
        (Get-IpXdp $r $ra).ProgramId | Should -Be 0
        Get-XdpProgram -NetNamespace $r -Interface $ra | Should -BeNullOrEmpty
    }

    It 'Auto lets the kernel choose, and says what it chose (native on veth)' {
        (Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -PassThru).Mode | Should -Be 'Native'
        (Get-IpXdp $r $ra).Mode | Should -Be 'Native'
    }

    It 'refuses an interface that has a program unless -Force, which swaps it in place' {
        $first = Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -Mode Native -PassThru
        $err = $null
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode Native -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'XdpProgramExists,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        (Get-IpXdp $r $ra).ProgramId | Should -Be $first.ProgramId
        $second = Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode Native -Force -PassThru
        $second.ReplacedProgramId | Should -Be $first.ProgramId
        (Get-IpXdp $r $ra).ProgramId | Should -Be $second.ProgramId
    }

    It '-Force across modes moves the program from native to generic' {
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -Mode Native
        $g = Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode Generic -Force -PassThru
        $ip = Get-IpXdp $r $ra
        $ip.Mode | Should -Be 'Generic'
        $ip.ProgramId | Should -Be $g.ProgramId
    }

    It 'is all-or-nothing: a failure on the third interface rolls back the first two and restores what was there' {
        $before = Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -Mode Native -PassThru
        # lo cannot run XDP natively, so the third attach fails after two succeeded.
        $err = $null
        Add-XdpProgram -Interface $ra, $rb, lo -NetNamespace $r -Program drop -Mode Native -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty
        $ip = Get-IpXdp $r $ra
        $ip.ProgramId | Should -Be $before.ProgramId
        $ip.Mode | Should -Be 'Native'
        (Get-IpXdp $r $rb).ProgramId | Should -Be 0
        (Get-IpXdp $r 'lo').ProgramId | Should -Be 0
    }

    It 'attaches to every interface a wildcard matches, from the pipeline too' {
        $done = $net.Interfaces | Where-Object Role -Like 'Router*' | Add-XdpProgram -Program pass -Mode Generic -PassThru
        @($done).Count | Should -Be 2
        (Get-IpXdp $r $ra).Mode | Should -Be 'Generic'
        (Get-IpXdp $r $rb).Mode | Should -Be 'Generic'
        @(Get-XdpProgram -NetNamespace $r -Interface 'veth-r*').Count | Should -Be 2
        @(Get-XdpProgram -AllNamespaces | Where-Object NetNamespace -EQ $r).Count | Should -Be 2
    }

    It 'takes a program loaded with Import-BpfObject and one from Get-BpfProgram' {
        $obj = Import-BpfObject -Program count_drop -Hook Xdp
        try {
            (Add-XdpProgram -Interface $ra -NetNamespace $r -Program $obj.Programs[0] -PassThru).ProgramId | Should -Be $obj.Programs[0].Id
            (Add-XdpProgram -Interface $rb -NetNamespace $r -Program (Get-BpfProgram -Id $obj.Programs[0].Id) -PassThru).ProgramId | Should -Be $obj.Programs[0].Id
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
        # The attachment keeps the program alive after the object is released.
        (Get-IpXdp $r $ra).ProgramId | Should -Be $obj.Programs[0].Id
    }

    It 'outlives the PowerShell process that attached it' {
        $module = Join-Path (Get-Module EbpfPs).ModuleBase EbpfPs.psd1
        & ([Environment]::ProcessPath) "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command "Import-Module '$module'; Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode Generic"
        $LASTEXITCODE | Should -Be 0
        (Get-IpXdp $r $ra).Mode | Should -Be 'Generic'
        (Get-XdpProgram -NetNamespace $r -Interface $ra).ProgramName | Should -Be 'drop'
    }

    It 'supports -WhatIf: nothing is attached' {
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -WhatIf
        (Get-IpXdp $r $ra).ProgramId | Should -Be 0
    }
}

Describe 'Add-XdpProgram and Remove-XdpProgram: bad input' {

    It 'an unknown interface: InterfaceNotFound (ObjectNotFound)' {
        $e = Get-Error { Add-XdpProgram -Interface nosuch0 -NetNamespace $r -Program drop }
        $e.FullyQualifiedErrorId | Should -BeLike 'InterfaceNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'an unknown namespace: NetNamespaceNotFound (ObjectNotFound)' {
        $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace "nosuch-$PID" -Program drop }
        $e.FullyQualifiedErrorId | Should -BeLike 'NetNamespaceNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a TC program at the XDP hook: WrongProgramType, nothing attached' {
        $tc = Import-BpfObject -Program drop -Hook Tc
        try {
            $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace $r -Program $tc }
            $e.FullyQualifiedErrorId | Should -BeLike 'WrongProgramType,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { $tc | Remove-BpfObject -Confirm:$false }
        (Get-IpXdp $r $ra).ProgramId | Should -Be 0
    }

    It 'Offload on veth: NotImplemented, nothing changed' {
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -Mode Generic
        try {
            $before = Get-IpXdp $r $ra
            $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace $r -Program drop -Mode Offload -Force }
            $e.FullyQualifiedErrorId | Should -BeLike 'XdpOffloadNotSupported,*'
            $e.CategoryInfo.Category | Should -Be 'NotImplemented'
            $after = Get-IpXdp $r $ra
            $after.ProgramId | Should -Be $before.ProgramId
            $after.Mode | Should -Be 'Generic'
        }
        finally { Remove-XdpProgram -Interface $ra -NetNamespace $r -Confirm:$false }
    }

    It 'detaching where nothing is attached: NoXdpProgram (ObjectNotFound)' {
        $e = Get-Error { Remove-XdpProgram -Interface $rb -NetNamespace $r -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'NoXdpProgram,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Add-XdpProgram: where the pins of what it loads go, and which program of an object it takes' {
    AfterEach { Get-XdpProgram -NetNamespace $r | Remove-XdpProgram -Confirm:$false }

    It 'pins a built-in''s counters in a private folder of its program, one per attach, removed when the program goes' {
        $before = Get-KernelSnapshot
        $one = Add-XdpProgram -Interface $ra -NetNamespace $r -Program router -Mode Generic -PassThru
        $two = Add-XdpProgram -Interface $rb -NetNamespace $r -Program router -Mode Generic -PassThru
        $one.ProgramId | Should -Not -Be $two.ProgramId
        foreach ($a in $one, $two) {
            $a.PinPath | Should -Be "/sys/fs/bpf/ebpfps/programs/$($a.ProgramId)"
            $pinned = Invoke-Json bpftool -j map show pinned "$($a.PinPath)/rout_stats"
            (Invoke-Json bpftool -j prog show id $a.ProgramId).map_ids | Should -Contain $pinned.id
            (Get-XdpProgram -NetNamespace $r -Interface $a.Interface).PinPath | Should -Be $a.PinPath
        }
        # Nothing at the bpffs root: two test networks, or two sessions, never share these counters.
        # (rout_stats there would be reported: a pin of a map of the programs attached here.)
        Compare-KernelSnapshot -Before $before -TimeoutMs 0 | Where-Object Kind -EQ Pin |
            Where-Object Name -NotLike '/sys/fs/bpf/ebpfps/programs/*' | Should -BeNullOrEmpty
        Remove-XdpProgram -Interface $ra -NetNamespace $r -Confirm:$false
        Test-Path $one.PinPath | Should -BeFalse -Because 'its program is gone'
        Test-Path $two.PinPath | Should -BeTrue -Because 'its program is still attached'
        Remove-XdpProgram -Interface $rb -NetNamespace $r -Confirm:$false
        Test-Path $two.PinPath | Should -BeFalse
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'a built-in attached nowhere (-WhatIf, a refused attach) leaves no private pins' {
        $before = Get-KernelSnapshot
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program router -WhatIf
        Add-XdpProgram -Interface $ra -NetNamespace $r -Program pass -Mode Generic
        $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace $r -Program router -Mode Generic }
        $e.FullyQualifiedErrorId | Should -BeLike 'XdpProgramExists,*'
        # The pass program stays attached until AfterEach; no pin of this run's may be left, root or private.
        Compare-KernelSnapshot -Before $before | Where-Object Kind -EQ Pin | Should -BeNullOrEmpty
    }

    It 'Remove-XdpProgram stopped by an error still removes the private pins of what it detached' {
        $a = Add-XdpProgram -Interface $ra -NetNamespace $r -Program router -Mode Generic -PassThru
        $e = Get-Error { Remove-XdpProgram -Interface $ra, nosuch0 -NetNamespace $r -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'InterfaceNotFound,*'
        (Get-IpXdp $r $ra).ProgramId | Should -Be 0
        Test-Path $a.PinPath | Should -BeFalse
    }

    It 'Remove-BpfTestNetwork removes the private pins of the built-ins attached in it' {
        $pair = New-BpfTestNetwork
        try {
            $x = Add-XdpProgram -Interface $pair['B'].Interface -NetNamespace $pair['B'].NetNamespace -Program router -Mode Native -PassThru
            $t = Add-TcProgram -Interface $pair['A'].Interface -NetNamespace $pair['A'].NetNamespace -Program router_iperf -PassThru
            Test-Path "$($x.PinPath)/rout_stats" | Should -BeTrue
            Test-Path "$($t.PinPath)/rout_stats" | Should -BeTrue
        }
        finally { Remove-BpfTestNetwork $pair.Name -Confirm:$false }
        Wait-ProgramGone $x.ProgramId, $t.ProgramId | Should -BeTrue
        Test-Path $x.PinPath | Should -BeFalse
        Test-Path $t.PinPath | Should -BeFalse
    }

    It '-PinPath pins the program and its maps there, by-name maps included, and they outlive the attachment' {
        $pins = New-ScratchPinPath
        $a = Add-XdpProgram -Interface $ra -NetNamespace $r -Program router -Mode Generic -PinPath $pins -PassThru
        $a.PinPath | Should -Be $pins
        (Invoke-Json bpftool -j prog show pinned "$pins/router").id | Should -Be $a.ProgramId
        (Invoke-Json bpftool -j prog show id $a.ProgramId).map_ids | Should -Contain (Invoke-Json bpftool -j map show pinned "$pins/rout_stats").id
        Test-Path "/sys/fs/bpf/ebpfps/programs/$($a.ProgramId)" | Should -BeFalse
        Remove-XdpProgram -Interface $ra -NetNamespace $r -Confirm:$false
        (Invoke-Json bpftool -j prog show pinned "$pins/router").id | Should -Be $a.ProgramId -Because 'the user''s pins are the user''s'
    }

    It 'takes the one program of an object that fits the hook (-Program given the file, as Get-Item returns it)' {
        $a = Add-XdpProgram -Interface $ra -NetNamespace $r -Program (Get-Item (Build-TestBpfObject ip_blocklist)) -PassThru
        $a.ProgramName | Should -Be 'blocklist_xdp_filter'
        (Invoke-Json bpftool -j prog show id (Get-IpXdp $r $ra).ProgramId).name | Should -Be 'blocklist_xdp_filter'
    }

    It 'several programs for the hook and no -ProgramName: ProgramNameRequired listing them, nothing attached' {
        $file = Build-TestBpfObject btf_features
        $before = Get-KernelSnapshot
        $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace $r -LiteralPath $file }
        $e.FullyQualifiedErrorId | Should -BeLike 'ProgramNameRequired,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'tail_target \(xdp\)'
        $e.Exception.Message | Should -Match 'features_main \(xdp\)'
        (Get-IpXdp $r $ra).ProgramId | Should -Be 0
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        (Add-XdpProgram -Interface $ra -NetNamespace $r -LiteralPath $file -ProgramName features_main -PassThru).ProgramName |
            Should -Be 'features_main'
    }

    It '-PinPath with a program that is loaded already: PinPathNotApplicable, nothing attached' {
        $obj = Import-BpfObject -Program pass -Hook Xdp
        try {
            $pins = New-ScratchPinPath
            $e = Get-Error { Add-XdpProgram -Interface $ra -NetNamespace $r -Program $obj -PinPath $pins }
            $e.FullyQualifiedErrorId | Should -BeLike 'PinPathNotApplicable,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            (Get-IpXdp $r $ra).ProgramId | Should -Be 0
            Test-Path $pins | Should -BeFalse
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }
}
