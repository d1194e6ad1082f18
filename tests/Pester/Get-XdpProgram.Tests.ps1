# Listing attachments over several namespaces at once, and what Tab offers for -Interface in a namespace.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:nsA = $net['ClientA'].NetNamespace
    $script:nsB = $net['ClientB'].NetNamespace
    $script:nsR = $net['RouterA'].NetNamespace
    $net['ClientA'], $net['ClientB'] | Add-XdpProgram -Program pass -Mode Generic
    Add-TcProgram -Program pass -Interface veth-ra -NetNamespace $nsR
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    Remove-ScratchState
}

Describe 'Get-XdpProgram and Get-TcProgram over several namespaces' {
    It 'Get-XdpProgram -NetNamespace a, b lists each namespace''s attachments, as ip shows them' {
        $found = @(Get-XdpProgram -NetNamespace $nsA, $nsB)
        $found.Count | Should -Be 2
        foreach ($ns in $nsA, $nsB) {
            $x = $found | Where-Object NetNamespace -EQ $ns
            $ip = Get-IpXdp $ns $x.Interface
            $x.ProgramId | Should -Be $ip.ProgramId
            $x.Mode | Should -Be $ip.Mode
        }
    }

    It 'Get-TcProgram -NetNamespace takes all of a network''s namespaces, as tc shows them' {
        $found = @(Get-TcProgram -NetNamespace $net.Namespaces)
        $found.Count | Should -Be 1
        $found[0].NetNamespace | Should -Be $nsR
        $found[0].ProgramId | Should -Be (Get-TcFilters $nsR veth-ra).ProgramId
    }
}

Describe 'Completing -Interface' {
    It 'offers the interfaces of the namespace -NetNamespace names, the test network''s first and lo last' {
        $offered = @(Get-Completion "Get-XdpProgram -NetNamespace $nsR -Interface ")
        $offered | Should -Be @('veth-ra', 'veth-rb', 'lo')
        @($offered | Sort-Object) | Should -Be @((Invoke-Json ip -n $nsR -j link show).ifname | Sort-Object)
        @(Get-Completion "Add-TcProgram -Program pass -NetNamespace $nsA -Interface v") | Should -Be @('veth-a')
    }

    It 'offers this namespace''s interfaces without -NetNamespace, lo last and eth0 not first' {
        $offered = @(Get-Completion 'Get-XdpProgram -Interface ')
        @($offered | Sort-Object) | Should -Be @((Invoke-Json ip -j link show).ifname | Sort-Object)
        $offered[-1] | Should -Be 'lo'
        if ($offered.Count -gt 2) { $offered[0] | Should -Not -Be 'eth0' }
    }
}
