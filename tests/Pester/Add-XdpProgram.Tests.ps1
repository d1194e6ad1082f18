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
