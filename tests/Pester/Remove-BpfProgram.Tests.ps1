# Removing kernel programs by id or from the pipeline: pins, XDP and TC attachments made by other tools, and
# what is left when something else holds the program; checked with bpftool, ip and tc.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:nsA = $net['A'].NetNamespace
    $script:nsB = $net['B'].NetNamespace

    function Test-ProgramLoaded([uint32] $Id) { [bool](@(Invoke-Json bpftool -j prog show) | Where-Object id -EQ $Id) }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Remove-BpfProgram' {
    It 'unpins every pin of a program bpftool loaded; without -Detach its XDP attachment stays and is named' {
        $pin = New-ScratchPinPath; $second = New-ScratchPinPath
        & bpftool prog load (Build-TestBpfObject tiny_xdp) $pin type xdp
        $id = [uint32](Invoke-Json bpftool -j prog show pinned $pin).id
        & bpftool prog pin id $id $second
        # nsenter enters only the network namespace: `ip netns exec` would remount /sys and hide the pin.
        & nsenter "--net=/run/netns/$nsB" bpftool net attach xdpgeneric pinned $pin dev veth-b
        (Get-IpXdp $nsB veth-b).ProgramId | Should -Be $id

        $e = Get-Error { Get-BpfProgram | Where-Object Id -EQ $id | Remove-BpfProgram -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'ProgramStillLoaded,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'
        "$e" | Should -Match "XDP \(Generic\) on veth-b in namespace $nsB \(-Detach detaches it\)"
        Test-Path $pin | Should -BeFalse
        Test-Path $second | Should -BeFalse
        (Get-IpXdp $nsB veth-b).ProgramId | Should -Be $id

        Get-BpfProgram -Id $id | Remove-BpfProgram -Detach -Confirm:$false
        (Get-IpXdp $nsB veth-b).Mode | Should -BeNullOrEmpty
        Test-ProgramLoaded $id | Should -BeFalse
    }

    It 'detaches a filter tc made and a tcx link the module made, and says so with -Verbose' {
        & ip netns exec $nsA tc qdisc add dev veth-a clsact
        try {
            & ip netns exec $nsA tc filter add dev veth-a ingress pref 3 bpf da obj (Get-BuiltinObjectPath pass tc) sec tc
            $filterId = (Get-TcFilters $nsA veth-a).ProgramId
            $link = Add-TcProgram -Program count_pass -Interface veth-a -NetNamespace $nsA -Mode Tcx -PassThru
            $verbose = Remove-BpfProgram -Id $filterId, $link.ProgramId -Detach -Confirm:$false -Verbose 4>&1 | ForEach-Object Message
            Get-TcFilters $nsA veth-a | Should -BeNullOrEmpty
            @(Invoke-Json bpftool -j link show | Where-Object id -EQ $link.LinkId) | Should -BeNullOrEmpty
            Test-Path $link.PinnedPath | Should -BeFalse
            Test-ProgramLoaded $filterId | Should -BeFalse
            Test-ProgramLoaded $link.ProgramId | Should -BeFalse
            $verbose | Should -Contain "Program $($filterId) (pass): detached TC ingress filter (priority 3, handle 1) on veth-a in namespace $nsA."
            ($verbose -match "detached tcx link $($link.LinkId) pinned at ").Count | Should -Be 1
        }
        finally { & ip netns exec $nsA tc qdisc del dev veth-a clsact 2>$null }
    }

    It 'names this session when an object it imported holds the program' {
        $obj = Import-BpfObject -Program drop -Hook Xdp
        try {
            $e = Get-Error { Remove-BpfProgram -Id $obj.Programs[0].Id -Detach -Confirm:$false }
            $e.FullyQualifiedErrorId | Should -BeLike 'ProgramStillLoaded,*'
            "$e" | Should -Match "this PowerShell session \(pid $PID\) holds it open"
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'reports an id that is not loaded as BpfProgramNotFound' {
        (Get-Error { Remove-BpfProgram -Id 4000000000 -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'BpfProgramNotFound,*'
    }
}
