# Ctrl+C while a Fleet test network is being made: the creation runs in a runspace of its own and is stopped the
# way the console stops a pipeline on Ctrl+C (PowerShell.Stop, which calls the cmdlet's StopProcessing), or in a
# child pwsh sent SIGINT (alone, or with its process group as a terminal does), at points in different phases
# (namespaces, links, host keys, sshd start). Each time nothing of it may remain: no namespace, no sshd or
# session under its folder, no folder, no state file, no veth here.
BeforeDiscovery {
    # Stop points in every phase: making namespaces, links and addresses, host keys, sshd one by one.
    $points = @(
        @{ When = 'after 0.2 s'; Seconds = 0.2 }
        @{ When = 'when client A''s namespace appears'; Path = '/run/netns/NAME-a' }
        @{ When = 'when router 3''s namespace appears'; Path = '/run/netns/NAME-r3' }
        @{ When = 'after 0.5 s'; Seconds = 0.5 }
        @{ When = 'when the first host key is written'; Path = '/run/ebpfps/networks/NAME/r1/host_key' }
        @{ When = 'when the first sshd writes its pid file'; Path = '/run/ebpfps/networks/NAME/r1/sshd.pid' }
        @{ When = 'when the third sshd writes its pid file'; Path = '/run/ebpfps/networks/NAME/r3/sshd.pid' }
        @{ When = 'when the fifth sshd writes its pid file'; Path = '/run/ebpfps/networks/NAME/r5/sshd.pid' }
    )
    # SIGINT to the pwsh alone, and to its whole process group (a terminal's Ctrl+C, which the tools it runs get too).
    $signals = @(
        @{ Who = 'alone'; Group = $false; When = 'when the second sshd writes its pid file'; Path = '/run/ebpfps/networks/NAME/r2/sshd.pid' }
        @{ Who = 'with its process group'; Group = $true; When = 'when router 4''s namespace appears'; Path = '/run/netns/NAME-r4' }
        @{ Who = 'with its process group'; Group = $true; When = 'when the fourth sshd writes its pid file'; Path = '/run/ebpfps/networks/NAME/r4/sshd.pid' }
    )
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:modulePath = (Get-Module EbpfPs).Path

    function Get-LiveProcessesNaming([string] $Text) {
        # Processes (not zombies) whose command line holds the text: sshd started with a config in the folder.
        foreach ($dir in Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$') {
            $cmd = (Get-Content -LiteralPath "$($dir.FullName)/cmdline" -Raw -ErrorAction SilentlyContinue) -replace "`0", ' '
            $stat = Get-Content -LiteralPath "$($dir.FullName)/stat" -Raw -ErrorAction SilentlyContinue
            if ($cmd -and $stat -and $cmd.Contains($Text) -and $stat.Substring($stat.LastIndexOf(')') + 2, 1) -notin 'Z', 'X') {
                [int]$dir.Name
            }
        }
    }

    function Get-RootInterfaceOf([string] $Name) {
        # The session-side veth the fleet plans; its state file names it from the start.
        $file = "/run/ebpfps/networks/$Name.json"
        if (Test-Path -LiteralPath $file) {
            try { (Get-Content -LiteralPath $file -Raw | ConvertFrom-Json).RootInterface } catch { $null }
        }
    }

    function Wait-StopPoint([scriptblock] $Finished, [string] $Name, [hashtable] $Point) {
        # Waits for the stop point; returns the root interface seen meanwhile. A creation that ended first fails.
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $root = $null
        while ($true) {
            $root = $root ?? (Get-RootInterfaceOf $Name)
            $reached = if ($Point.Seconds) { $clock.Elapsed.TotalSeconds -ge $Point.Seconds }
            else { Test-Path -LiteralPath ($Point.Path -replace 'NAME', $Name) }
            if ($reached) { return $root }
            if (& $Finished) { throw "the creation ended before the stop point ($($Point.When))" }
            if ($clock.Elapsed.TotalSeconds -gt 60) { throw "the stop point ($($Point.When)) never came" }
            Start-Sleep -Milliseconds 5
        }
    }

    function Assert-NothingLeft([string] $Name, [string] $Root) {
        @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$Name-*" }) | Should -BeNullOrEmpty
        @(Get-LiveProcessesNaming "/run/ebpfps/networks/$Name/") | Should -BeNullOrEmpty
        Test-Path -LiteralPath "/run/ebpfps/networks/$Name" | Should -BeFalse
        Test-Path -LiteralPath "/run/ebpfps/networks/$Name.json" | Should -BeFalse
        @(Get-BpfTestNetwork | Where-Object Name -EQ $Name) | Should -BeNullOrEmpty
        if ($Root) {
            & ip link show dev $Root 2>$null | Out-Null
            $LASTEXITCODE | Should -Not -Be 0 -Because "the veth $Root into the fleet goes with it"
        }
    }

    function Remove-Leftover([string] $Name) {
        # Only for a failed test: what a broken rollback left must not outlive it.
        if (Test-Path -LiteralPath "/run/ebpfps/networks/$Name.json") { Remove-BpfTestNetwork $Name -Confirm:$false -ErrorAction SilentlyContinue }
    }

}

Describe 'New-BpfTestNetwork -Topology Fleet stopped with Ctrl+C' {
    It 'leaves nothing when stopped <When>' -ForEach $points {
        $name = "h3-int-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $ps = [powershell]::Create()
        try {
            # The module is imported first, so the stop points count from the creation itself.
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $modulePath).Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddCommand('New-BpfTestNetwork').AddParameter('Name', $name).AddParameter('Topology', 'Fleet').AddParameter('Count', 6)
            $async = $ps.BeginInvoke()
            $root = Wait-StopPoint { $async.IsCompleted } $name $_
            $ps.InvocationStateInfo.State | Should -Be 'Running' -Because 'the stop must come while the fleet is being made'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $root = $root ?? (Get-RootInterfaceOf $name)
            Assert-NothingLeft $name $root
        }
        finally {
            $ps.Dispose()
            Remove-Leftover $name
        }
    }

    It 'leaves nothing when a child pwsh gets SIGINT <Who> <When>' -ForEach $signals {
        $name = "h3-int-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        # setsid: the child leads a process group of its own, so the group's SIGINT reaches it and the tools it runs
        # (ip, ssh-keygen, nsenter) as a terminal's Ctrl+C does, and nothing else.
        $child = Start-ChildPwsh "New-BpfTestNetwork -Name $name -Topology Fleet -Count 6 | Out-Null; 'finished'" -Prefix 'setsid'
        try {
            $root = Wait-StopPoint { $child.Process.HasExited } $name $_
            & kill -INT -- $(if ($Group) { "-$($child.Process.Id)" } else { "$($child.Process.Id)" })
            $out = Wait-ChildPwsh $child 60000
            $out | Should -Not -Contain 'finished' -Because 'SIGINT stops the pipeline, as Ctrl+C does'
            Assert-NothingLeft $name ($root ?? (Get-RootInterfaceOf $name))
        }
        finally {
            if (-not $child.Process.HasExited) { $child.Process.Kill($true) }
            Remove-Leftover $name
        }
    }

    It 'a fleet that was made completely stays until it is removed: a stop after the command changes nothing' {
        $name = "h3-int-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $modulePath).Invoke()
            $ps.Commands.Clear()
            $null = $ps.AddCommand('New-BpfTestNetwork').AddParameter('Name', $name).AddParameter('Topology', 'Fleet').AddParameter('Count', 1)
            $made = @($ps.Invoke())
            $ps.Stop()
            $made.Count | Should -Be 1
            (Get-BpfTestNetwork $name).Hosts.Count | Should -Be 1
            @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] } | Where-Object { $_ -like "$name-*" }).Count | Should -Be 4
        }
        finally {
            $ps.Dispose()
            Remove-Leftover $name
        }
        Assert-NothingLeft $name $made[0].RootInterface
    }
}
