# -Verbose says what a cmdlet did (attached what where, read how much); libbpf's own lines go to -Debug, once
# prefixed, and never to -Verbose.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork
    $script:ns = $net['B'].NetNamespace

    function Get-Stream([scriptblock] $Action, [int] $Stream) {
        # Only the records of one stream (4 verbose, 5 debug), as text.
        $records = if ($Stream -eq 4) { & $Action 4>&1 } else { & $Action 5>&1 }
        @($records | Where-Object { $_ -is [System.Management.Automation.InformationalRecord] } |
                ForEach-Object Message)
    }
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name }
}

Describe 'Verbose and debug output' {
    It 'Add-XdpProgram and Remove-XdpProgram say which program went where, in which namespace and mode' {
        $said = Get-Stream { Add-XdpProgram -Interface veth-b -NetNamespace $ns -Program drop -Mode Generic -Verbose } 4
        $id = (Get-XdpProgram -Interface veth-b -NetNamespace $ns).ProgramId
        $said | Should -Contain "Attached XDP program drop (id $id) to veth-b in network namespace $ns (Generic)."
        $said | Where-Object { $_ -match 'libbpf' } | Should -BeNullOrEmpty
        $gone = Get-Stream { Remove-XdpProgram -Interface veth-b -NetNamespace $ns -Verbose } 4
        $gone | Should -Contain "Detached XDP program drop (id $id) from veth-b in network namespace $ns."
    }

    It 'Import-BpfObject says what it loaded; libbpf''s lines come under -Debug, prefixed once, not under -Verbose' {
        $script:obj = $null
        try {
            $said = Get-Stream { $script:obj = Import-BpfObject -Program router -Hook Xdp -Verbose } 4
            # ShouldProcess's "Performing the operation ..." line, then what was done; nothing of libbpf's.
            $said[-1] | Should -Match "^Loaded object .+xdp_router\.o: $($script:obj.Programs.Count) programs?, $($script:obj.Maps.Count) maps?\.$"
            $said | Where-Object { $_ -match 'libbpf' } | Should -BeNullOrEmpty
            $script:obj | Remove-BpfObject
            $debug = Get-Stream { $script:obj = Import-BpfObject -Program router -Hook Xdp -Debug } 5
            $libbpf = @($debug | Where-Object { $_ -like 'libbpf: *' })
            $libbpf.Count | Should -BeGreaterThan 3 -Because 'libbpf logs its steps of a load at debug level'
            $debug | Where-Object { $_ -like 'libbpf: libbpf: *' } | Should -BeNullOrEmpty
        }
        finally { if ($script:obj) { $script:obj | Remove-BpfObject } }
    }

    It 'Get- cmdlets say what they read' {
        $a = Add-XdpProgram -Interface veth-b -NetNamespace $ns -Program router -Mode Generic -PassThru
        try {
            $n = @(Get-BpfProgram -Id $a.ProgramId).Count
            (Get-Stream { Get-BpfProgram -Id $a.ProgramId -Verbose } 4) | Should -Be "Read $n program from the kernel."
            (Get-Stream { Get-XdpProgram -NetNamespace $ns -Verbose } 4) |
                Should -Be 'Read 1 XDP attachment in 1 network namespace.'
            $said = Get-Stream { Get-BpfMapEntry -LiteralPath "$($a.PinPath)/rout_stats" -Verbose } 4
            $said | Should -Match '^Read 0 entries of map rout_stats \(id \d+\) in 1 batch\.$'
        }
        finally { Remove-XdpProgram -Interface veth-b -NetNamespace $ns }
    }
}
