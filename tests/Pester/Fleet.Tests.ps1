# Many routers from one script: a Fleet test network reached over PowerShell remoting (SSH), the module's objects
# through remoting's serialization, and desired state applied to every router. One 3-router fleet serves the whole
# Describe; every sshd and pwsh it starts is gone at the end, also when a test fails.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    function Get-ProcessState([int] $ProcessId) {
        # 'gone', 'zombie' (ended, waiting to be reaped) or 'running'.
        $stat = Get-Content -LiteralPath "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
        if (-not $stat) { return 'gone' }
        if ($stat.Substring($stat.LastIndexOf(')') + 2, 1) -in 'Z', 'X') { return 'zombie' }
        'running'
    }

    function Get-ProcessesUnder([string] $Folder) {
        # Every live process whose command line names the folder (an sshd started with a config in it).
        foreach ($dir in Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$') {
            $cmd = (Get-Content -LiteralPath "$($dir.FullName)/cmdline" -Raw -ErrorAction SilentlyContinue) -replace "`0", ' '
            if ($cmd -and $cmd.Contains($Folder) -and (Get-ProcessState ([int]$dir.Name)) -eq 'running') { [int]$dir.Name }
        }
    }
}

Describe 'Fleet test network: three routers over SSH' {
    BeforeAll {
        $script:knownHosts = Join-Path $HOME '.ssh/known_hosts'
        $script:knownHostsBefore = if (Test-Path $knownHosts) { (Get-FileHash $knownHosts).Hash } else { $null }
        $script:rootRoutesBefore = @(Invoke-Json ip -4 -j route show | ForEach-Object dst)
        $script:fleet = New-BpfTestNetwork -Topology Fleet -Count 3
        $script:ssh = @{ HostName = $fleet.Hosts.HostName; UserName = $fleet.UserName; KeyFilePath = $fleet.KeyFilePath
            Options = $fleet.SshOptions }
        $script:sessions = @(New-PSSession @ssh)
        Invoke-Command -Session $sessions { Import-Module EbpfPs }
        $script:statePath = Join-Path $TestDrive 'router.psd1'
        Set-Content -LiteralPath $statePath -Value @'
@{
    Programs = @(
        @{ Name = 'router'; Object = 'router'; Hook = 'XdpNative'; Interfaces = 'veth-ra', 'veth-rb' }
    )
    Maps = @(
        @{ Path = '/sys/fs/bpf/rout_stats' }
    )
}
'@
    }

    AfterAll {
        if ($sessions) { Remove-PSSession $sessions -ErrorAction SilentlyContinue }
        if ($fleet -and (Get-BpfTestNetwork $fleet.Name)) { Remove-BpfTestNetwork $fleet.Name -Confirm:$false }
    }

    It 'gives every router its own sshd, listening only on its own address, and changes one veth in this namespace' {
        $fleet.Hosts.Count | Should -Be 3
        @($fleet.Hosts.HostName | Sort-Object -Unique).Count | Should -Be 3
        foreach ($h in $fleet.Hosts) {
            Get-ProcessState $h.SshdProcessId | Should -Be 'running'
            $listening = @(& ip netns exec $h.NetNamespace ss -Htln | ForEach-Object { ($_ -split '\s+')[3] })
            $listening | Should -Be @("$($h.HostName):22")
            (Get-Content $h.SshdConfigPath) | Should -Contain "ListenAddress $($h.HostName):22"
            (Get-Content $h.SshdConfigPath) | Should -Contain 'PasswordAuthentication no'
        }
        # The one change here: a veth with a connected /24 of 198.19.0.0/16 toward the routers.
        $root = (Invoke-Json ip -j addr show dev $fleet.RootInterface)[0]
        @($root.addr_info | Where-Object family -EQ inet).local | Should -Match '^198\.19\.\d+\.254$'
        # Other sessions' fleets add a route through their own veth meanwhile; any other new route would be this one's.
        $added = @(Invoke-Json ip -4 -j route show | Where-Object { $_.dev -eq $fleet.RootInterface -or $_.dev -notlike 'ebpfps-m*' } |
                ForEach-Object dst | Where-Object { $_ -notin $rootRoutesBefore })
        $added | Should -Be @("$(($fleet.Hosts[0].HostName -split '\.')[0..2] -join '.').0/24")
    }

    It 'one Invoke-Command fan-out attaches at native XDP on every host; ip in each namespace agrees' {
        $results = @(Invoke-Command @ssh {
                Import-Module EbpfPs
                Add-XdpProgram -Interface veth-ra -Program drop -Mode Native -PassThru
            })
        try {
            $results.Count | Should -Be 3
            @($results.PSComputerName | Sort-Object -Unique) | Should -Be @($fleet.Hosts.HostName | Sort-Object)
            foreach ($r in $results) {
                $r.pstypenames[0] | Should -Be 'Deserialized.EbpfPs.XdpAttachment'
                $r.ProgramId | Should -BeOfType [uint32]
                $r.Ifindex | Should -BeOfType [int]
                $h = $fleet.Hosts | Where-Object HostName -EQ $r.PSComputerName
                $ip = Get-IpXdp $h.NetNamespace veth-ra
                $ip.Mode | Should -Be 'Native'
                $ip.ProgramId | Should -Be $r.ProgramId
            }
            Get-FormatData -TypeName 'Deserialized.EbpfPs.XdpAttachment' | Should -Not -BeNullOrEmpty
            $table = $results | Format-Table | Out-String -Width 200
            $table | Should -Match 'PSComputerName'
            $table | Should -Match 'Interface\s+Mode\s+ProgramId'
        }
        finally {
            Invoke-Command -Session $sessions { Remove-XdpProgram -Interface veth-ra -Confirm:$false }
        }
        foreach ($h in $fleet.Hosts) { (Get-IpXdp $h.NetNamespace veth-ra).Mode | Should -BeNullOrEmpty }
    }

    It 'remote sessions import the installed module by name, the same build as the one under test' {
        $remote = Invoke-Command -Session $sessions[0] {
            $m = Get-Module EbpfPs
            [pscustomobject]@{ Base = $m.ModuleBase; Hash = (Get-FileHash (Join-Path $m.ModuleBase EbpfPs.dll)).Hash }
        }
        $remote.Base | Should -BeLike "$HOME/*"
        $local = (Get-FileHash (Join-Path (Split-Path (Get-Module EbpfPs).Path) EbpfPs.dll)).Hash
        $remote.Hash | Should -Be $local -Because 'build.ps1 Test installs the build it tests (build.ps1 Install)'
    }

    It 'Set-BpfState on every router; the second run changes nothing' {
        $first = @(Invoke-Command -Session $sessions { Set-BpfState -Path $using:statePath })
        $first.Count | Should -Be 9 # per router: two attachments and the pin
        @($first | Where-Object Applied -NE $true) | Should -BeNullOrEmpty
        @($first.PSComputerName | Sort-Object -Unique).Count | Should -Be 3
        $first[0].pstypenames[0] | Should -Be 'Deserialized.EbpfPs.BpfStateDifference'
        Get-FormatData -TypeName 'Deserialized.EbpfPs.BpfStateDifference' | Should -Not -BeNullOrEmpty
        foreach ($h in $fleet.Hosts) {
            foreach ($dev in 'veth-ra', 'veth-rb') {
                $ip = Get-IpXdp $h.NetNamespace $dev
                $ip.Mode | Should -Be 'Native'
                (Invoke-Json bpftool -j prog show id $ip.ProgramId).name | Should -Be 'router'
            }
        }
        @(Invoke-Command -Session $sessions { Set-BpfState -Path $using:statePath }) | Should -BeNullOrEmpty
    }

    It 'after ip link set xdp off on one host, Test-BpfState reports exactly that and Set-BpfState restores it' {
        $h = $fleet.Hosts[1]
        & ip -n $h.NetNamespace link set dev veth-rb xdp off
        $diff = @(Invoke-Command -Session $sessions { Test-BpfState -Path $using:statePath })
        $diff.Count | Should -Be 1
        $diff[0].PSComputerName | Should -Be $h.HostName
        $diff[0].Target | Should -Be 'veth-rb'
        $diff[0].Action | Should -Be 'Attach'
        $diff[0].Actual | Should -Be '(none)'
        $diff[0].Source | Should -Match 'line 3 \(Programs\[0\]\.Interfaces\[1\]\)'

        $fixed = @(Invoke-Command -Session ($sessions | Where-Object ComputerName -EQ $h.HostName) {
                Set-BpfState -Path $using:statePath })
        $fixed.Count | Should -Be 1
        # The same program instance goes back, so the router keeps one set of maps.
        (Get-IpXdp $h.NetNamespace veth-rb).ProgramId | Should -Be (Get-IpXdp $h.NetNamespace veth-ra).ProgramId
        @(Invoke-Command -Session $sessions { Test-BpfState -Path $using:statePath }) | Should -BeNullOrEmpty
    }

    It 'counts traffic through every router on that router only, and counters come back as numbers' {
        foreach ($h in $fleet.Hosts) {
            & ip netns exec "$($fleet.Name)-a" ping -q -c 3 -i 0.01 -W 1 $h.DestinationAddress | Out-Null
            $LASTEXITCODE | Should -Be 0
        }
        $entries = @(Invoke-Command -Session $sessions { Get-BpfMapEntry -Path /sys/fs/bpf/rout_stats })
        foreach ($h in $fleet.Hosts) {
            # Each router has its own bpffs, so its rout_stats holds only the flows that crossed it.
            $mine = @($entries | Where-Object PSComputerName -EQ $h.HostName)
            @($mine | ForEach-Object { $_.Key.src } | Sort-Object) | Should -Be @($h.SourceAddress, $h.DestinationAddress | Sort-Object)
            foreach ($e in $mine) {
                $e.Value.packets | Should -BeOfType [uint64]
                $e.Value.packets | Should -Be 3
            }
            # bpftool in the router's session agrees.
            $dump = Invoke-Command -Session ($sessions | Where-Object ComputerName -EQ $h.HostName) {
                bpftool -j map dump pinned /sys/fs/bpf/rout_stats | ConvertFrom-Json
            }
            ($dump | ForEach-Object { $_.formatted.values.value.packets } | Measure-Object -Sum).Sum | Should -Be 6
        }
    }

    It 'brings every kind of object back with a view for its Deserialized type and its numbers as numbers' {
        $objects = @(Invoke-Command -Session $sessions[0] {
                $packet = New-BpfTestPacket -Udp -Destination 198.18.1.1
                $xdp = @(Get-XdpProgram)[0]
                $xdp
                Get-BpfProgram -Id $xdp.ProgramId
                Get-BpfMap -Path /sys/fs/bpf/rout_stats
                Get-BpfMapEntry -Path /sys/fs/bpf/rout_stats
                Get-BpfFeature -Category System
                $packet
                Invoke-BpfProgramTest -Program pass -Packet $packet
                Get-BpfMapEntry -Path /sys/fs/bpf/rout_stats -Raw
            })
        $assembly = (Get-Module EbpfPs).ImplementingAssembly
        $kinds = @($objects | ForEach-Object { $_.pstypenames[0] } | Sort-Object -Unique)
        $kinds.Count | Should -BeGreaterOrEqual 7
        foreach ($o in $objects) {
            $name = $o.pstypenames[0]
            $name | Should -BeLike 'Deserialized.EbpfPs.*'
            Get-FormatData -TypeName $name | Should -Not -BeNullOrEmpty -Because "$name needs a view"
            # A name after '#' only picks a view (a per-CPU map's summed entries: EbpfPs.BpfMapEntry#CpuSum).
            $type = $assembly.GetType(($name -replace '^Deserialized\.', '') -replace '#.*$', '')
            foreach ($p in $type.GetProperties()) {
                $t = [Nullable]::GetUnderlyingType($p.PropertyType) ?? $p.PropertyType
                $value = $o.($p.Name)
                if ($null -eq $value -or $p.GetIndexParameters()) { continue }
                if ($t.IsPrimitive) { $value | Should -BeOfType $t -Because "$name.$($p.Name) is a $t" }
                if ($t.IsArray -and $t.GetElementType().IsPrimitive) {
                    foreach ($item in $value) { $item | Should -BeOfType $t.GetElementType() -Because "$name.$($p.Name)" }
                }
            }
        }
        $test = $objects | Where-Object { $_.pstypenames[0] -eq 'Deserialized.EbpfPs.ProgramTestResult' }
        $test.InputPacket.Length | Should -BeOfType [int] -Because 'nested objects keep their numbers too'
        ($objects | Where-Object { $_.pstypenames[0] -eq 'Deserialized.EbpfPs.BpfFeature' })[0].Supported |
            Should -BeOfType [bool]
    }

    It 'passes the remoting error through for an unreachable host and still answers for the others' {
        $nobody = ($fleet.Hosts[0].HostName -replace '\.\d+$', '.254') # this namespace's end: no sshd there
        $others = @{ UserName = $fleet.UserName; KeyFilePath = $fleet.KeyFilePath; Options = $fleet.SshOptions }
        $answers = @(Invoke-Command @others -HostName $fleet.Hosts[0].HostName, $nobody -ErrorVariable failed `
                -ErrorAction SilentlyContinue { $PID })
        $answers.Count | Should -Be 1
        $answers[0].PSComputerName | Should -Be $fleet.Hosts[0].HostName
        $failed.Count | Should -Be 1
        # PowerShell's own remoting error, untouched by the module (its text varies with where the transport broke).
        $failed[0].CategoryInfo.Category | Should -Be 'OpenError'
        $failed[0].Exception.GetType().Namespace | Should -Be 'System.Management.Automation.Remoting'
        $failed[0].FullyQualifiedErrorId | Should -Not -Match 'EbpfPs'
    }

    It 'passes a state error through remoting with its ErrorId, naming the key and line, and changes nothing' {
        $bad = Join-Path $TestDrive 'bad.psd1'
        Set-Content -LiteralPath $bad -Value "@{`n  Programs = @{ Object = 'router'; Hook = 'XdpGeneric'; Interfaces = 'veth-rb', 'eth9' }`n}"
        $before = foreach ($h in $fleet.Hosts) { (Get-IpXdp $h.NetNamespace veth-rb).ProgramId }
        $null = Invoke-Command -Session $sessions { Set-BpfState -Path $using:bad } -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 3
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'StateInterfaceNotFound,*'
        "$($failed[0])" | Should -Match 'bad\.psd1 line 2 \(Programs\[0\]\.Interfaces\[1\]\)'
        foreach ($h in $fleet.Hosts) { (Get-IpXdp $h.NetNamespace veth-rb).Mode | Should -Be 'Native' }
        @(foreach ($h in $fleet.Hosts) { (Get-IpXdp $h.NetNamespace veth-rb).ProgramId }) | Should -Be $before
    }

    It 'Remove-BpfTestNetwork stops every sshd and session, and removes keys, namespaces, the veth and state' {
        $sessionPids = @(Invoke-Command -Session $sessions { $PID })
        Remove-PSSession $sessions
        Remove-BpfTestNetwork $fleet.Name -Confirm:$false
        foreach ($h in $fleet.Hosts) { Get-ProcessState $h.SshdProcessId | Should -Not -Be 'running' }
        @(Get-ProcessesUnder $fleet.StateFolder) | Should -BeNullOrEmpty
        # The sessions' pwsh (no pid namespaces here, so their pids are ours to check) ended with their sshd.
        foreach ($p in $sessionPids) { Get-ProcessState $p | Should -Not -Be 'running' }
        Test-Path $fleet.KeyFilePath | Should -BeFalse
        Test-Path $fleet.StateFolder | Should -BeFalse
        Test-Path "/run/ebpfps/networks/$($fleet.Name).json" | Should -BeFalse
        @(& ip netns list | Where-Object { $_ -like "$($fleet.Name)-*" }) | Should -BeNullOrEmpty
        & ip link show dev $fleet.RootInterface 2>$null
        $LASTEXITCODE | Should -Not -Be 0
        @(Invoke-Json ip -4 -j route show | ForEach-Object dst) | Should -Be $rootRoutesBefore
        $after = if (Test-Path $knownHosts) { (Get-FileHash $knownHosts).Hash } else { $null }
        $after | Should -Be $knownHostsBefore -Because "the user's known_hosts stays untouched"
    }
}

Describe 'Fleet test network: bad input' {
    BeforeAll { $script:snapshotBefore = Get-KernelSnapshot }

    It 'refuses <Count> routers with InvalidFleetSize and makes nothing' -ForEach @(@{ Count = 0 }, @{ Count = 17 }) {
        $e = Get-Error { New-BpfTestNetwork -Topology Fleet -Count $Count }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidFleetSize,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Compare-KernelSnapshot -Before $snapshotBefore | Should -BeNullOrEmpty
    }

    It 'refuses -Count for a topology other than Fleet' {
        (Get-Error { New-BpfTestNetwork -Topology Pair -Count 2 }).FullyQualifiedErrorId | Should -BeLike 'CountNeedsFleet,*'
    }

    It 'removes everything it made, sshd included, when creation fails half-way' {
        # Without ping on the PATH the last step (resolving neighbours, after every sshd started) fails.
        $bin = Join-Path $TestDrive 'bin'
        $null = New-Item -ItemType Directory $bin
        foreach ($tool in 'ip', 'ethtool', 'sysctl', 'nsenter', 'unshare', 'mount', 'umount', 'mkdir') {
            New-Item -ItemType SymbolicLink -Path (Join-Path $bin $tool) -Target (Get-Command $tool -CommandType Application)[0].Source | Out-Null
        }
        $name = "ebpfps-fail-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $path = $env:PATH
        try {
            $env:PATH = $bin
            $e = Get-Error { New-BpfTestNetwork -Name $name -Topology Fleet -Count 2 }
        }
        finally { $env:PATH = $path }
        $e.FullyQualifiedErrorId | Should -BeLike 'TestNetworkCommandFailed,*'
        "$e" | Should -Match 'ping'
        @(Get-ProcessesUnder "/run/ebpfps/networks/$name/") | Should -BeNullOrEmpty
        Test-Path "/run/ebpfps/networks/$name" | Should -BeFalse
        Test-Path "/run/ebpfps/networks/$name.json" | Should -BeFalse
        # Its namespaces, the veth in this namespace and the sshd all carry the name or this run's mark.
        Compare-KernelSnapshot -Before $snapshotBefore -Name "$name*" | Should -BeNullOrEmpty
    }
}
