# TC filters and tcx links: attach, list, remove; checked through Get-TcProgram, `tc -j` and bpftool.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:ns = $net['B'].NetNamespace
    $script:dev = $net['B'].Interface
    $script:tcPass = Get-BuiltinObjectPath pass tc

}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Add-TcProgram as a clsact filter' {
    AfterEach { & ip netns exec $ns tc qdisc del dev $dev clsact 2>$null }

    It 'creates clsact when missing, attaches <Direction>, and removing the filter removes the qdisc it made' -ForEach @(@{ Direction = 'Ingress' }, @{ Direction = 'Egress' }) {
        Test-Clsact $ns $dev | Should -BeFalse
        $a = Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Direction $Direction -PassThru
        $a.CreatedQdisc | Should -BeTrue
        Test-Clsact $ns $dev | Should -BeTrue
        $tc = Get-TcFilters $ns $dev $Direction.ToLowerInvariant()
        $tc.ProgramId | Should -Be $a.ProgramId
        $tc.Priority | Should -Be $a.Priority
        $tc.Handle | Should -Be $a.Handle
        $listed = Get-TcProgram -NetNamespace $ns -Interface $dev -Direction $Direction
        $listed.ProgramId | Should -Be $a.ProgramId
        $listed.ProgramName | Should -Be 'drop'
        (Invoke-Json bpftool -j prog show id $a.ProgramId).type | Should -Be 'sched_cls'
        $a | Remove-TcProgram -Confirm:$false
        Get-TcFilters $ns $dev $Direction.ToLowerInvariant() | Should -BeNullOrEmpty
        Test-Clsact $ns $dev | Should -BeFalse
    }

    It 'leaves a qdisc it did not create, and filters tc made, alone' {
        & ip netns exec $ns tc qdisc add dev $dev clsact
        & ip netns exec $ns tc filter add dev $dev ingress pref 7 bpf da obj $tcPass sec tc
        $theirs = Get-TcFilters $ns $dev
        $ours = Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Priority 20 -PassThru
        $ours.CreatedQdisc | Should -BeFalse
        @(Get-TcProgram -NetNamespace $ns -Interface $dev -Direction Ingress).Count | Should -Be 2
        (Get-TcProgram -NetNamespace $ns -Interface $dev -Direction Ingress | Where-Object Priority -EQ 7).ProgramId | Should -Be $theirs.ProgramId
        Remove-TcProgram -Interface $dev -NetNamespace $ns -Priority 20 -Confirm:$false
        $left = Get-TcFilters $ns $dev
        $left.ProgramId | Should -Be $theirs.ProgramId
        Test-Clsact $ns $dev | Should -BeTrue
    }

    It 'refuses to guess which of several programs to remove' {
        Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Priority 1
        Add-TcProgram -Interface $dev -NetNamespace $ns -Program pass -Priority 2
        $e = Get-Error { Remove-TcProgram -Interface $dev -NetNamespace $ns -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'TcProgramAmbiguous,*'
        @(Get-TcFilters $ns $dev).Count | Should -Be 2
        Remove-TcProgram -Interface $dev -NetNamespace $ns -ProgramName pass -Confirm:$false
        (Get-TcFilters $ns $dev).Priority | Should -Be 1
    }

    It 'a taken priority and handle needs -Force, which replaces the filter' {
        $first = Add-TcProgram -Interface $dev -NetNamespace $ns -Program pass -Priority 5 -Handle 1 -PassThru
        $e = Get-Error { Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Priority 5 -Handle 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'TcFilterExists,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        (Get-TcFilters $ns $dev).ProgramId | Should -Be $first.ProgramId
        $second = Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Priority 5 -Handle 1 -Force -PassThru
        (Get-TcFilters $ns $dev).ProgramId | Should -Be $second.ProgramId
    }
}

Describe 'Add-TcProgram as a tcx link' {
    It 'attaches on <Direction>, pins the link, lists it and removes link and pin' -ForEach @(@{ Direction = 'Ingress' }, @{ Direction = 'Egress' }) {
        $a = Add-TcProgram -Interface $dev -NetNamespace $ns -Program count_pass -Mode Tcx -Direction $Direction -PassThru
        $a.LinkId | Should -BeGreaterThan 0
        Test-Path $a.PinnedPath | Should -BeTrue
        $link = Invoke-Json bpftool -j link show id $a.LinkId
        $link.type | Should -BeIn @('tcx', 11) -Because 'bpftool before 7.3 prints the tcx link type as its number'
        $link.prog_id | Should -Be $a.ProgramId
        Test-Clsact $ns $dev | Should -BeFalse -Because 'tcx needs no qdisc'
        (Get-TcProgram -NetNamespace $ns -Interface $dev -Direction $Direction | Where-Object Mode -EQ Tcx).LinkId | Should -Be $a.LinkId
        Get-TcProgram -NetNamespace $ns -Interface $dev -Direction $Direction | Remove-TcProgram -Confirm:$false
        Test-Path $a.PinnedPath | Should -BeFalse
        @(Invoke-Json bpftool -j link show | Where-Object id -EQ $a.LinkId) | Should -BeNullOrEmpty
    }

    It 'unpins at the next tcx attach the links of a namespace deleted behind its back' {
        # A namespace removed with ip netns del (or by a run killed before it cleaned up) detaches its tcx links,
        # but their pins would keep links and program loaded for good.
        $gone = New-ScratchNamespace 'ebpfps-tcxgone'
        & ip -n $gone link add tg0 type veth peer name tg1
        & ip -n $gone link set tg0 up
        & ip -n $gone link set tg1 up
        $dead = Add-TcProgram -Interface tg0 -NetNamespace $gone -Program count_pass -Mode Tcx -PassThru
        Test-Path $dead.PinnedPath | Should -BeTrue
        & ip netns del $gone
        $live = Add-TcProgram -Interface $dev -NetNamespace $ns -Program count_pass -Mode Tcx -PassThru
        try {
            Test-Path $dead.PinnedPath | Should -BeFalse -Because 'the link of a deleted device can never run again'
            Test-Path (Split-Path $dead.PinnedPath) | Should -BeFalse -Because 'its namespace folder is left empty'
            $links = @(Invoke-Json bpftool -j link show | ForEach-Object id)
            $links | Should -Not -Contain $dead.LinkId
            $links | Should -Contain $live.LinkId -Because 'a link whose device lives is kept'
            Test-Path $live.PinnedPath | Should -BeTrue
        }
        finally { Get-TcProgram -NetNamespace $ns -Interface $dev | Remove-TcProgram -Confirm:$false }
    }
}

Describe 'Add-TcProgram: bad input' {
    It 'an XDP program at the TC hook: WrongProgramType, nothing attached' {
        $x = Import-BpfObject -Program drop -Hook Xdp
        try {
            $e = Get-Error { Add-TcProgram -Interface $dev -NetNamespace $ns -Program $x }
            $e.FullyQualifiedErrorId | Should -BeLike 'WrongProgramType,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        finally { $x | Remove-BpfObject -Confirm:$false }
        Test-Clsact $ns $dev | Should -BeFalse
    }

    It 'an unknown interface: InterfaceNotFound' {
        (Get-Error { Add-TcProgram -Interface nosuch0 -NetNamespace $ns -Program drop }).CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It '-Priority or -Handle with -Mode Tcx: TcxHasNoPriority, before anything is loaded or attached' {
        foreach ($extra in @{ Priority = 5 }, @{ Handle = 3 }) {
            $e = Get-Error { Add-TcProgram -Interface $dev -NetNamespace $ns -Program drop -Mode Tcx @extra }
            $e.FullyQualifiedErrorId | Should -BeLike 'TcxHasNoPriority,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        Get-TcProgram -NetNamespace $ns -Interface $dev | Should -BeNullOrEmpty
        Get-TcFilters $ns $dev ingress | Should -BeNullOrEmpty
        Test-Clsact $ns $dev | Should -BeFalse
    }

    It 'removing where nothing is attached: TcProgramNotFound' {
        $e = Get-Error { Remove-TcProgram -Interface $dev -NetNamespace $ns -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'TcProgramNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Two processes attaching and detaching at once' {
    BeforeAll {
        $script:race = New-ScratchNamespace
        foreach ($pair in @('ta', 'tb'), @('xa', 'xb')) {
            & ip -n $race link add $pair[0] type veth peer name $pair[1]
            foreach ($d in $pair) { & ip -n $race link set dev $d up }
        }
    }

    It 'tcx links on two interfaces of one namespace share a pin folder without a race, and leave nothing' {
        # Each process attaches and detaches 40 times; a pin folder one of them removes while the other pins
        # into it was DirectoryNotFound or "Directory not empty" before the folder was guarded.
        $loop = "`$o = Import-BpfObject -Program pass -Hook Tc; for (`$i = 0; `$i -lt 40; `$i++) { try { " +
            "Add-TcProgram DEV -NetNamespace $race -Program `$o -Mode Tcx -PassThru -ErrorAction Stop | " +
            "Remove-TcProgram -Confirm:`$false -ErrorAction Stop } catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ } }; " +
            "`$o | Remove-BpfObject -Confirm:`$false; 'done'"
        $children = 'ta', 'tb' | ForEach-Object { Start-ChildPwsh ($loop -creplace 'DEV', $_) }
        $out = $children | ForEach-Object { Wait-ChildPwsh $_ }
        $out | Where-Object { $_ -ne 'done' } | Should -BeNullOrEmpty
        @($out | Where-Object { $_ -eq 'done' }).Count | Should -Be 2
        @(Get-TcProgram -NetNamespace $race) | Should -BeNullOrEmpty
        foreach ($d in 'ta', 'tb') { & ip netns exec $race tc -j filter show dev $d ingress | Should -BeIn '[]', $null }
        $ifindexes = (Invoke-Json ip -n $race -j link show | Where-Object ifname -In 'ta', 'tb').ifindex
        @(Invoke-Json bpftool -j link show | Where-Object { $_.PSObject.Properties['ifindex'] -and $_.ifindex -in $ifindexes -and $_.type -eq 'tcx' }) |
            Should -BeNullOrEmpty
    }

    It 'XDP -Force from two processes on one interface never answers "use -Force"' {
        $loop = "`$o = Import-BpfObject -Program @NAME@; for (`$i = 0; `$i -lt 30; `$i++) { try { " +
            "Add-XdpProgram xa -NetNamespace $race -Program `$o -Mode Generic -Force -ErrorAction Stop } catch { " +
            "'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_ } }; `$o | Remove-BpfObject -Confirm:`$false; 'done'"
        $children = 'pass', 'drop' | ForEach-Object { Start-ChildPwsh ($loop -creplace '@NAME@', $_) }
        $out = $children | ForEach-Object { Wait-ChildPwsh $_ }
        # Three lost races in a row may still end in XdpProgramChanged; never in advice to use -Force.
        $out | Where-Object { $_ -ne 'done' -and $_ -notlike 'ERROR XdpProgramChanged,*' } | Should -BeNullOrEmpty
        $out | Should -Not -Match 'use -Force'
        (Get-IpXdp $race xa).Mode | Should -Be 'Generic'
        Remove-XdpProgram xa -NetNamespace $race -Confirm:$false
        (Get-IpXdp $race xa).Mode | Should -BeNullOrEmpty
    }
}

Describe 'Add-TcProgram: where the pins of what it loads go' {
    AfterEach { & ip netns exec $ns tc qdisc del dev $dev clsact 2>$null }

    It 'a built-in''s counters go to a private folder of its program, removed by Remove-TcProgram once the kernel freed it' {
        $a = Add-TcProgram -Interface $dev -NetNamespace $ns -Program router -PassThru
        $a.PinPath | Should -Be "/sys/fs/bpf/ebpfps/programs/$($a.ProgramId)"
        (Get-TcFilters $ns $dev).ProgramId | Should -Be $a.ProgramId
        (Invoke-Json bpftool -j prog show id $a.ProgramId).map_ids | Should -Contain (Invoke-Json bpftool -j map show pinned "$($a.PinPath)/rout_stats").id
        (Get-TcProgram -NetNamespace $ns -Interface $dev).PinPath | Should -Be $a.PinPath
        Test-Path /sys/fs/bpf/rout_stats | Should -BeFalse
        # A deleted filter frees its program after an RCU grace period; Remove-TcProgram waits for that.
        $a | Remove-TcProgram -Confirm:$false
        Test-Path $a.PinPath | Should -BeFalse
        Wait-ProgramGone $a.ProgramId | Should -BeTrue
    }

    It '-PinPath on a file: the SEC("router") program is typed for TC and pinned with its maps there' {
        $pins = New-ScratchPinPath
        $a = Add-TcProgram -Interface $dev -NetNamespace $ns -LiteralPath (Build-TestBpfObject fib_router -Hook Tc) -PinPath $pins -PassThru
        try {
            $a.PinPath | Should -Be $pins
            (Invoke-Json bpftool -j prog show pinned "$pins/router_fib_forward").type | Should -Be 'sched_cls'
            (Invoke-Json bpftool -j prog show id $a.ProgramId).map_ids | Should -Contain (Invoke-Json bpftool -j map show pinned "$pins/fibrt_flows").id
        }
        finally { $a | Remove-TcProgram -Confirm:$false }
    }
}
