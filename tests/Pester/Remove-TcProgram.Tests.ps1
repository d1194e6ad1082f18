# Remove-TcProgram removes what it was asked to and nothing of anyone else's: a name tc's own filter shares is
# ambiguous, and a clsact qdisc is ours only in the namespace we made it in. Checked with `tc -j`.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:ns = New-ScratchNamespace
    & ip -n $ns link add va type veth peer name vb
    & ip -n $ns link set dev va up
    $script:tcPass = Get-BuiltinObjectPath pass tc
}

AfterAll { Remove-ScratchState }

Describe 'Remove-TcProgram -ProgramName' {
    AfterEach { & ip netns exec $ns tc qdisc del dev va clsact 2>$null }

    It 'a name tc''s own filter shares is TcProgramAmbiguous: both stay, and -Priority picks ours' {
        & ip netns exec $ns tc qdisc add dev va clsact
        & ip netns exec $ns tc filter add dev va ingress pref 7 bpf da obj $tcPass sec tc
        $ours = Add-TcProgram va -NetNamespace $ns -Program pass -Priority 20 -PassThru
        @(Get-TcProgram -NetNamespace $ns -Interface va | Where-Object ProgramName -EQ pass).Count | Should -Be 2
        $e = Get-Error { Remove-TcProgram va -NetNamespace $ns -ProgramName pass -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'TcProgramAmbiguous,*'
        $e.Exception.Message | Should -Match 'priority 7 .*priority 20'
        @(Get-TcFilters $ns va).Count | Should -Be 2
        Remove-TcProgram va -NetNamespace $ns -ProgramName pass -Priority 20 -Confirm:$false
        $left = Get-TcFilters $ns va
        $left.Priority | Should -Be 7
        $left.ProgramId | Should -Not -Be $ours.ProgramId
    }
}

Describe 'clsact ownership when a namespace is made again' {
    It 'a namespace made again under the old name, even with the old inode, does not inherit our qdisc marker' {
        $name = "ebpfps-t-again-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        try {
            & ip netns add $name
            & ip -n $name link add va type veth peer name vb
            (Add-TcProgram va -NetNamespace $name -Program pass -PassThru).CreatedQdisc | Should -BeTrue
            $inode = & stat -L -c %i "/run/netns/$name"
            # Deleted behind the module's back; the kernel hands its inode to a new namespace soon after, and
            # the test tries for that (the outcome must hold either way).
            & ip netns del $name
            for ($i = 0; $i -lt 20; $i++) {
                & ip netns add $name
                if ((& stat -L -c %i "/run/netns/$name") -eq $inode) { break }
                & ip netns del $name
                Start-Sleep -Milliseconds 50
            }
            if (-not (Test-Path "/run/netns/$name")) { & ip netns add $name }
            & ip -n $name link add va type veth peer name vb
            # Another tool's (empty) qdisc on the interface with the same index.
            & ip netns exec $name tc qdisc add dev va clsact
            $ours = Add-TcProgram va -NetNamespace $name -Program pass -Priority 20 -PassThru
            $ours.CreatedQdisc | Should -BeFalse
            $ours | Remove-TcProgram -Confirm:$false
            Get-TcFilters $name va | Should -BeNullOrEmpty
            Test-Clsact $name va | Should -BeTrue -Because 'the qdisc is the other tool''s, however empty' 
        }
        finally { & ip netns del $name 2>$null }
    }
}
