# Tab completion as a user gets it (TabExpansion2), against the real kernel: interfaces come from the namespace
# already typed, program names from what is loaded, feature names from the probe, never file names.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork -Topology Routed
    $script:router = $net['RouterA'].NetNamespace
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name }
}

Describe 'Tab completion' {
    It '-Interface offers the interfaces of the -NetNamespace typed before it, loopback last, nothing of this one' {
        $here = @(ip -j link show | ConvertFrom-Json | ForEach-Object ifname)
        foreach ($line in "Get-XdpProgram -NetNamespace $router -Interface ",
            "Add-XdpProgram -Program drop -NetNamespace $router -Interface ",
            "Get-TcProgram -NetNamespace $router -Interface ") {
            $offered = Get-Completion $line
            $offered | Should -Be @('veth-ra', 'veth-rb', 'lo') -Because $line
        }
        # This namespace's own names (eth0 and the like) are not offered for the router's namespace.
        $offered | Where-Object { $_ -ne 'lo' -and $_ -in $here } | Should -BeNullOrEmpty
        (Get-Completion "Remove-XdpProgram -NetNamespace $router -Interface veth-rb") | Should -Be @('veth-rb')
    }

    It '-Interface without -NetNamespace offers this namespace''s interfaces, loopback last' {
        $offered = Get-Completion 'Get-XdpProgram -Interface '
        $offered[-1] | Should -Be 'lo'
        $offered | Sort-Object | Should -Be (@(ip -j link show | ConvertFrom-Json | ForEach-Object ifname) | Sort-Object)
    }

    It 'Get-BpfProgram -Name offers the names of loaded programs' {
        $obj = Import-BpfObject -Program count_drop -Hook Xdp
        try {
            Get-Completion 'Get-BpfProgram -Name count_d' | Should -Contain 'count_drop'
            Get-Completion 'Get-BpfProgram -Name ' | Should -Contain 'count_drop'
        }
        finally { $obj | Remove-BpfObject }
    }

    It 'Get-BpfFeature -Name offers feature names, not file names' {
        Push-Location $TestDrive
        try {
            Set-Content -Path (Join-Path $TestDrive 'XdpNotAFeature.txt') -Value x
            $offered = Get-Completion 'Get-BpfFeature -Name Xdp'
            $offered | Should -Contain 'XdpNative'
            $offered | Should -Not -Contain 'XdpNotAFeature.txt'
            $offered | Where-Object { $_ -match '[\\/]' -and $_ -notmatch '^\w+/\w+$' } | Should -BeNullOrEmpty
        }
        finally { Pop-Location }
    }
}
