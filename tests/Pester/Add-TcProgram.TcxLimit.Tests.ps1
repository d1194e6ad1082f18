# The kernel's limit of programs on one tcx hook (issue 19 item 7): the attach past it is TcxHookFull naming the
# limit, not errno 34, and leaves nothing of its own behind. The kernel keeps BPF_MPROG_MAX (64) slots, one of them
# the list's end, so 63 programs fit.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Pair
    $script:ns = $net['B'].NetNamespace
    $script:dev = $net['B'].Interface
    $script:objects = [Collections.Generic.List[object]]::new()
    $script:links = [Collections.Generic.List[object]]::new()
}

AfterAll {
    if ($links.Count) { $links | Remove-TcProgram -Confirm:$false -ErrorAction Continue }
    if ($objects.Count) { $objects | Remove-BpfObject }
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Add-TcProgram -Mode Tcx on a full hook' {
    It 'takes 63 programs and refuses the 64th with TcxHookFull' {
        # 63 loads and attaches of a one-instruction program; a bound keeps a slow machine from hanging the suite.
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        for ($i = 0; $i -lt 63; $i++) {
            [DateTime]::UtcNow | Should -BeLessThan $deadline -Because 'filling the hook should take seconds'
            $o = Import-BpfObject -Program pass -Hook Tc
            $objects.Add($o)
            $links.Add((Add-TcProgram -Interface $dev -NetNamespace $ns -Program $o -Mode Tcx -PassThru))
        }
        # bpftool's link list holds each of the 63 links, on the program that was attached.
        $kernel = @(Invoke-Json bpftool -j link show) | Where-Object { $_.id -in $links.LinkId }
        @($kernel).Count | Should -Be 63
        @($kernel | Where-Object { $_.prog_id -notin $links.ProgramId }) | Should -BeNullOrEmpty

        $e = Get-Error { Add-TcProgram -Interface $dev -NetNamespace $ns -Program pass -Mode Tcx }
        $e.FullyQualifiedErrorId | Should -BeLike 'TcxHookFull,*'
        $e.CategoryInfo.Category | Should -Be LimitsExceeded
        $e.Exception.Errno | Should -Be 34
        $e.Exception.Message | Should -Match '63 tcx programs'
        $e.Exception.Message | Should -Match 'BPF_MPROG_MAX'
        # The hook holds the 63 it held; the refused attach left no link.
        @(Get-TcProgram -NetNamespace $ns -Interface $dev -Direction Ingress).Count | Should -Be 63
    }
}
