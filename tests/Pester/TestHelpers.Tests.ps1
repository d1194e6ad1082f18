# The helper every "nothing left behind" test uses: Compare-KernelSnapshot reports what this run left (a test
# network's namespaces, pins in a scratch folder or a built-in's private folder, programs this process holds) and
# not what another process made in the same window (a namespace, a pinned map and program, a test network). Each
# leak is made on purpose here and removed in finally; names carry m2 and a guid.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:tiny = Build-TestBpfObject tiny_xdp

    function Invoke-Foreign([string] $Command) {
        # Another process: not started by this run's helpers and without the run's marker in its environment.
        & env -u EBPFPS_TEST_RUN bash -c $Command
        if ($LASTEXITCODE -ne 0) { throw "failed: $Command" }
    }
}

AfterAll { Remove-ScratchState }

Describe 'Compare-KernelSnapshot reports what this run left' {
    It 'reports nothing when the test made nothing' {
        $before = Get-KernelSnapshot
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'reports every namespace of a test network made here and not removed, and none once it is removed' {
        $before = Get-KernelSnapshot
        $net = New-BpfTestNetwork -Name "m2-leak-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        try {
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            @($leaks | Where-Object Kind -EQ Namespace | ForEach-Object Name | Sort-Object) | Should -Be @($net.Namespaces | Sort-Object)
            ($leaks | Where-Object Kind -EQ Namespace)[0].Reason | Should -Match "test network $($net.Name), made by this run's process $PID"
        }
        finally { Remove-BpfTestNetwork -Name $net.Name -Confirm:$false }
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'reports a program left attached in a namespace of this run that was there before the snapshot' {
        $net = New-BpfTestNetwork -Name "m2-hook-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        try {
            $before = Get-KernelSnapshot
            $a = Add-XdpProgram -Interface $net['A'].Interface -NetNamespace $net['A'].NetNamespace -Program pass -Mode Generic -PassThru
            $t = Add-TcProgram -Interface $net['B'].Interface -NetNamespace $net['B'].NetNamespace -Program pass -PassThru
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0 | Where-Object Kind -EQ Program)
            ($leaks | Where-Object Name -Like "$($a.ProgramId) *").Reason | Should -Be "attached: XDP on veth-a in $($net['A'].NetNamespace)"
            ($leaks | Where-Object Name -Like "$($t.ProgramId) *").Reason | Should -Be "attached: TC on veth-b in $($net['B'].NetNamespace)"
            $a | Remove-XdpProgram -Confirm:$false
            $t | Remove-TcProgram -Confirm:$false
            Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
        }
        finally { Remove-BpfTestNetwork -Name $net.Name -Confirm:$false }
    }

    It 'reports a Fleet''s sshd and its veth in this namespace, besides its namespaces' {
        $before = Get-KernelSnapshot
        $fleet = New-BpfTestNetwork -Name "m2-fleet-$([guid]::NewGuid().ToString('N').Substring(0, 6))" -Topology Fleet -Count 1
        try {
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            ($leaks | Where-Object Kind -EQ Sshd).Name | Should -Be "$($fleet.Hosts[0].SshdProcessId)"
            ($leaks | Where-Object Kind -EQ Interface).Name | Should -Be $fleet.RootInterface
            @($leaks | Where-Object Kind -EQ Namespace).Name | Sort-Object | Should -Be @($fleet.Namespaces | Sort-Object)
        }
        finally { Remove-BpfTestNetwork -Name $fleet.Name -Confirm:$false }
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'reports a test network a child started here made, after the child ended' {
        $before = Get-KernelSnapshot
        $name = "m2-child-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        try {
            Wait-ChildPwsh (Start-ChildPwsh "`$null = New-BpfTestNetwork -Name $name") | Out-Null
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            @($leaks | Where-Object Kind -EQ Namespace).Name | Sort-Object | Should -Be "$name-a", "$name-b"
        }
        finally { if (Get-BpfTestNetwork | Where-Object Name -EQ $name) { Remove-BpfTestNetwork -Name $name -Confirm:$false } }
    }

    It 'reports a map pinned in a scratch pin folder of this process, though no process holds it' {
        $root = New-ScratchPinPath 'ebpfps-m2'
        $before = Get-KernelSnapshot
        $null = New-Item -ItemType Directory $root
        & bpftool map create "$root/leak" type array key 4 value 4 entries 1 name m2_leak
        $LASTEXITCODE | Should -Be 0
        try {
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            @($leaks.Name) | Should -Be @($root, "$root/leak")
            $leaks.Kind | Should -Be 'Pin', 'Pin'
            $leaks[1].Reason | Should -Be 'in a scratch pin folder of this process'
        }
        finally { Remove-Item -LiteralPath $root -Recurse -Force }
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'reports a loaded program this process holds, and a built-in''s private pin folder with it' {
        $before = Get-KernelSnapshot
        $own = Import-BpfObject -LiteralPath $tiny
        $builtin = Import-BpfObject -Program router -Hook Xdp
        try {
            $folder = "/sys/fs/bpf/ebpfps/programs/$($builtin.Programs[0].Id)"
            Test-Path $folder | Should -BeTrue -Because 'a built-in pins its maps by name in a private folder'
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            $programs = @($leaks | Where-Object Kind -EQ Program)
            $programs.Name | Should -Contain "$($own.Programs[0].Id) (tiny_pass)"
            $programs.Name | Should -Contain "$($builtin.Programs[0].Id) (router)"
            ($programs | Where-Object Name -Like "$($own.Programs[0].Id) *").Reason | Should -Be 'an fd of this run holds it'
            @($leaks | Where-Object Kind -EQ Map).Name | Should -Contain "$(($own.Maps | Where-Object Name -EQ tiny_hits).Id) (tiny_hits)"
            @($leaks | Where-Object Kind -EQ Pin).Name | Should -Contain $folder
            @($leaks | Where-Object Kind -EQ Pin | Where-Object Name -Like "$folder/*") | Should -Not -BeNullOrEmpty
        }
        finally { $own, $builtin | Remove-BpfObject -Confirm:$false }
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty
    }

    It 'reports a pre-existing pin named by -Keep that went' {
        $root = New-ScratchPinPath 'ebpfps-m2'
        $null = New-Item -ItemType Directory $root
        $before = Get-KernelSnapshot
        Remove-Item -LiteralPath $root
        $leaks = @(Compare-KernelSnapshot -Before $before -Keep "$root*" -TimeoutMs 0)
        $leaks.Kind | Should -Be 'Removed'
        $leaks.Name | Should -Be $root
    }
}

Describe 'Compare-KernelSnapshot leaves out what other processes made' {
    BeforeAll {
        $script:id = [guid]::NewGuid().ToString('N')
        $script:ns = "ebpfps-other-$id"
        $script:pins = "/sys/fs/bpf/other-$id"
        $script:net = "m2-other-$($id.Substring(0, 8))"
    }
    AfterAll {
        & ip netns del $ns 2>$null
        if (Test-Path $pins) { Remove-Item -LiteralPath $pins -Recurse -Force }
        if (Get-BpfTestNetwork | Where-Object Name -EQ $net) { Remove-BpfTestNetwork -Name $net -Force -Confirm:$false }
    }

    It 'a namespace, a pinned map and program, and a test network another process made meanwhile' {
        $before = Get-KernelSnapshot
        Invoke-Foreign "ip netns add $ns && mkdir $pins && bpftool map create $pins/map type array key 4 value 4 entries 1 name m2_other && bpftool prog loadall $tiny $pins/progs"
        $pwsh = [Environment]::ProcessPath
        $dll = if ((Split-Path -Leaf $pwsh) -notlike 'pwsh*') { "'$(Join-Path $PSHOME 'pwsh.dll')'" }
        Invoke-Foreign "'$pwsh' $dll -NoProfile -NonInteractive -Command `"Import-Module '$((Get-Module EbpfPs).Path)'; \`$null = New-BpfTestNetwork -Name $net`""
        # They are there, and so a comparison of everything would see them.
        (Get-KernelSnapshot).Namespaces | Should -Contain $ns
        (Get-KernelSnapshot).Namespaces | Should -Contain "$net-a"
        (Get-ChildItem -Recurse $pins).Count | Should -BeGreaterOrEqual 3
        Compare-KernelSnapshot -Before $before -TimeoutMs 0 | Should -BeNullOrEmpty
    }

    It 'yet a leak of this run among them is still reported' {
        $before = Get-KernelSnapshot
        $own = Import-BpfObject -LiteralPath $tiny
        try {
            Invoke-Foreign "bpftool prog loadall $tiny $pins/more"
            $leaks = @(Compare-KernelSnapshot -Before $before -TimeoutMs 0)
            ($leaks | Where-Object Kind -EQ Program).Name | Should -Be "$($own.Programs[0].Id) (tiny_pass)"
            ($leaks | Where-Object Kind -EQ Map).Name | Should -Be "$(($own.Maps | Where-Object Name -EQ tiny_hits).Id) (tiny_hits)"
            @($leaks | Where-Object Kind -NotIn Program, Map) | Should -BeNullOrEmpty
        }
        finally { $own | Remove-BpfObject -Confirm:$false }
    }
}
