# Links: placed in the namespace that holds their device, cross-checked with `bpftool -j link show`.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Pair
    # One program on both ends: the same program id at the same ifindex (2) in two namespaces, which only the
    # module's tcx pins tell apart.
    $script:obj = Import-BpfObject -Program count_pass -Hook Tc
    $script:a = Add-TcProgram -Program $obj -Interface veth-a -NetNamespace $net['A'].NetNamespace -Mode Tcx -PassThru
    $script:b = Add-TcProgram -Program $obj -Interface veth-b -NetNamespace $net['B'].NetNamespace -Mode Tcx -Direction Egress -PassThru
}

AfterAll {
    foreach ($x in $a, $b) { if ($x) { $x | Remove-TcProgram -Confirm:$false -ErrorAction Continue } }
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Get-BpfLink' {
    It 'lists the tcx links with their program, attach type, interface and namespace' {
        $links = @(Get-BpfLink -ProgramId $a.ProgramId | Sort-Object Id)
        $links.Count | Should -Be 2
        $la = $links | Where-Object Id -EQ $a.LinkId
        $lb = $links | Where-Object Id -EQ $b.LinkId
        $la.Type | Should -Be 'tcx'
        $la.ProgramName | Should -Be 'count_pass'
        $la.AttachType | Should -Be 'tcx_ingress'
        $lb.AttachType | Should -Be 'tcx_egress'
        $la.Ifindex | Should -Be $net['A'].Ifindex
        $la.Interface | Should -Be 'veth-a'
        $la.NetNamespace | Should -Be $net['A'].NetNamespace
        $lb.Interface | Should -Be 'veth-b'
        $lb.NetNamespace | Should -Be $net['B'].NetNamespace
        $lb.NetNamespaceInode | Should -Be ([uint64](& stat -L -c %i "/run/netns/$($net['B'].NetNamespace)"))
    }

    It 'agrees with bpftool link show on every link' {
        $theirs = Invoke-Json bpftool -j link show
        $ours = @(Get-BpfLink)
        $common = @($theirs | Where-Object { $_.id -in $ours.Id })
        $common.Count | Should -BeGreaterOrEqual 2
        foreach ($t in $common) {
            $o = $ours | Where-Object Id -EQ $t.id
            $o.ProgramId | Should -Be $t.prog_id
            # bpftool 7.1 names the types its libbpf knows and prints the number of newer ones (tcx is 11).
            if ($t.type -is [string]) { $o.Type | Should -Be $t.type } else { $o.TypeId | Should -Be $t.type }
            if ($t.PSObject.Properties['ifindex']) { $o.Ifindex | Should -Be $t.ifindex }
        }
        @($theirs | Where-Object id -In $a.LinkId, $b.LinkId).Count | Should -Be 2
    }

    It 'filters by type and id, and takes program ids from Get-TcProgram' {
        @(Get-BpfLink -Type tc*).Id | Should -Contain $a.LinkId
        @(Get-BpfLink -Type cgroup).Id | Should -Not -Contain $a.LinkId
        (Get-BpfLink -Id $b.LinkId).Interface | Should -Be 'veth-b'
        @(Get-TcProgram -NetNamespace $net['A'].NetNamespace | Get-BpfLink).Id | Should -Contain $a.LinkId
    }

    It 'reports an unknown id as BpfLinkNotFound' {
        $e = Get-Error { Get-BpfLink -Id 4000000000 }
        $e.FullyQualifiedErrorId | Should -BeLike 'BpfLinkNotFound,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
