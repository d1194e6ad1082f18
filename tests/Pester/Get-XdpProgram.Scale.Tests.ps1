# Listing, attaching and detaching on 64 interfaces at once (the batch paths: one link dump, one namespace entry),
# every interface cross-checked with ip and tc. How fast is bench/Bench.Scale.ps1's business, not this file's.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:ns = New-ScratchNamespace 'ebpfps-scale'
    $script:pairs = 32
    $batch = Join-Path ([IO.Path]::GetTempPath()) "$ns.ip"
    (0..($pairs - 1) | ForEach-Object { "link add sc$_ type veth peer name sd$_" }) | Set-Content $batch
    & ip -n $ns -batch $batch
    Remove-Item $batch
    if ($LASTEXITCODE -ne 0) { throw 'making the veths failed' }
    $script:names = @(foreach ($i in 0..($pairs - 1)) { "sc$i"; "sd$i" })

    function Get-IpXdpAll {
        # Every interface of the namespace with XDP, as `ip -d -j link show` reports it: "name id mode".
        @((Invoke-Json ip -n $ns -d -j link show) | Where-Object { $_.PSObject.Properties['xdp'] } | ForEach-Object {
                $mode = switch ($_.xdp.mode) { 1 { 'Native' } 2 { 'Generic' } 3 { 'Offload' } default { "mode $_" } }
                "$($_.ifname) $($_.xdp.prog.id) $mode"
            } | Sort-Object)
    }

    function Get-TcAll {
        # Every BPF filter on the veths' ingress, as `tc -j filter show` reports it: "name id pref handle".
        @(foreach ($n in $names) {
                Get-TcFilters $ns $n | Where-Object Kind -EQ bpf |
                    ForEach-Object { "$n $($_.ProgramId) $($_.Priority) $($_.Handle)" }
            }) | Sort-Object
    }
}

AfterAll {
    Remove-ScratchState
}

Describe 'XDP on 64 interfaces of one namespace' {
    It 'Add-XdpProgram attaches to all in one command, and Get-XdpProgram agrees with ip for every interface' {
        $done = @(Add-XdpProgram -Interface 's*' -NetNamespace $ns -Program pass -Mode Generic -PassThru)
        $done.Count | Should -Be $names.Count
        $ip = Get-IpXdpAll
        $ip.Count | Should -Be $names.Count
        @($done | ForEach-Object { "$($_.Interface) $($_.ProgramId) $($_.Mode)" } | Sort-Object) | Should -Be $ip
        $listed = @(Get-XdpProgram -NetNamespace $ns)
        @($listed | ForEach-Object { "$($_.Interface) $($_.ProgramId) $($_.Mode)" } | Sort-Object) | Should -Be $ip
        @($listed.ProgramName | Sort-Object -Unique) | Should -Be @('pass')
        @(Get-XdpProgram -NetNamespace $ns -Interface 'sd*').Count | Should -Be $pairs
    }

    It 'Remove-XdpProgram detaches all in one command, and both listings are then empty' {
        $gone = @(Remove-XdpProgram -Interface 's*' -NetNamespace $ns -Confirm:$false -PassThru)
        $gone.Count | Should -Be $names.Count
        Get-IpXdpAll | Should -BeNullOrEmpty
        Get-XdpProgram -NetNamespace $ns | Should -BeNullOrEmpty
    }

    It 'a failure on the 42nd interface rolls back the 41 attached before it' {
        # veth refuses native XDP while its peer's MTU is above a page (ERANGE), so sc20 fails after sc0..sd19.
        & ip -n $ns link set dev sd20 mtu 9000
        try {
            $e = Get-Error { Add-XdpProgram -Interface 's*' -NetNamespace $ns -Program pass -Mode Native }
            # Refused by the kernel while attaching, not by the check before anything is attached.
            $e.FullyQualifiedErrorId | Should -BeLike 'XdpAttachFailed,*'
            $e.TargetObject | Should -Be 'sc20'
            Get-IpXdpAll | Should -BeNullOrEmpty
            Get-XdpProgram -NetNamespace $ns | Should -BeNullOrEmpty
        }
        finally {
            & ip -n $ns link set dev sd20 mtu 1500
        }
    }
}

Describe 'TC on 64 interfaces of one namespace' {
    It 'Add-TcProgram attaches to all in one command, and Get-TcProgram agrees with tc for every interface' {
        $done = @(Add-TcProgram -Interface 's*' -NetNamespace $ns -Program pass -PassThru)
        $done.Count | Should -Be $names.Count
        $tc = Get-TcAll
        $tc.Count | Should -Be $names.Count
        @((Invoke-Json tc -n $ns -j qdisc show) | Where-Object kind -EQ clsact).Count | Should -Be $names.Count
        $listed = @(Get-TcProgram -NetNamespace $ns)
        @($listed | ForEach-Object { "$($_.Interface) $($_.ProgramId) $($_.Priority) $($_.Handle)" } | Sort-Object) |
            Should -Be $tc
        @($listed.Direction | Sort-Object -Unique) | Should -Be @('Ingress')
        @(Get-TcProgram -NetNamespace $ns -Direction Egress) | Should -BeNullOrEmpty
    }

    It 'Get-TcProgram | Remove-TcProgram removes them all, with the qdiscs EbpfPs made' {
        Get-TcProgram -NetNamespace $ns | Remove-TcProgram -Confirm:$false
        Get-TcAll | Should -BeNullOrEmpty
        Get-TcProgram -NetNamespace $ns | Should -BeNullOrEmpty
        @((Invoke-Json tc -n $ns -j qdisc show) | Where-Object kind -EQ clsact) | Should -BeNullOrEmpty
    }
}
