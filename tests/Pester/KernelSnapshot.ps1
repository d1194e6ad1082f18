# Dot-sourced by TestHelpers.psm1: "nothing left behind" on a shared machine. Other people's namespaces, pins,
# programs and sshd come and go while a test runs, so a before/after comparison of the whole machine fails on
# their work. Compare-KernelSnapshot reports only what this test run could have made and left: each new entry is
# tied to an owner (this process, a process it started, a test network's recorded maker, a scratch name made
# here) and reported only when that owner is this run. What cannot be tied to anyone is not reported, so a test
# that pins under a shared name passes that name with -Name.

# Every process this run starts inherits the marker (sshd of a Fleet, child pwsh, tools), so a process is known as
# ours by its environment while it runs. A child pwsh that imports the helpers keeps its parent's marker.
if (-not $env:EBPFPS_TEST_RUN) { $env:EBPFPS_TEST_RUN = "$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }
# Remembered for good (Remove-ScratchState clears its own lists): names made here stay ours after removal. Every
# test file imports the helpers again (-Force), so the record lives in the process, not in this module's scope: the
# suite's last check (tests/Invoke-PesterSuite.ps1) still knows what every file made.
$script:RunRecord = [AppDomain]::CurrentDomain.GetData('EbpfPs.TestRunRecord')
if (-not $script:RunRecord) {
    $script:RunRecord = [pscustomobject]@{
        Namespaces = [System.Collections.Generic.HashSet[string]]::new()
        PinRoots   = [System.Collections.Generic.HashSet[string]]::new()
        # Children started here, by pid and start time: a child killed on purpose can no longer be read, but what
        # it recorded as its maker (a test network's state) is still ours.
        Children   = [System.Collections.Generic.List[object]]::new()
    }
    [AppDomain]::CurrentDomain.SetData('EbpfPs.TestRunRecord', $script:RunRecord)
}
$script:MadeNamespaces = $script:RunRecord.Namespaces
$script:MadePinRoots = $script:RunRecord.PinRoots
$script:Children = $script:RunRecord.Children

function Get-ProcessStartTicks([int] $ProcessId) {
    # Field 22 of /proc/PID/stat, counted after the last ')' since comm may hold spaces; null for none or a zombie.
    $stat = Get-Content -Raw -LiteralPath "/proc/$ProcessId/stat" -ErrorAction SilentlyContinue
    if (-not $stat) { return $null }
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    if ($fields[0] -in 'Z', 'X') { return $null }
    return [uint64]$fields[19]
}

function Register-TestChild([int] $ProcessId) {
    $start = Get-ProcessStartTicks $ProcessId
    if ($null -ne $start) { $script:Children.Add([pscustomobject]@{ Id = $ProcessId; Start = $start }) }
}

function Test-RunMarker([int] $ProcessId) {
    $environ = Get-Content -Raw -LiteralPath "/proc/$ProcessId/environ" -ErrorAction SilentlyContinue
    return [bool]$environ -and $environ.Split([char]0) -contains "EBPFPS_TEST_RUN=$env:EBPFPS_TEST_RUN"
}

function Get-RunProcessIds {
    # This process and every live process that carries this run's marker.
    $ids = [System.Collections.Generic.HashSet[int]]::new()
    $null = $ids.Add($PID)
    foreach ($dir in [IO.Directory]::GetDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($dir)
        if ($name -match '^\d+$' -and [int]$name -ne $PID -and (Test-RunMarker ([int]$name))) { $null = $ids.Add([int]$name) }
    }
    return , $ids
}

function Test-RunProcess([int] $ProcessId, $StartTicks, $Live) {
    # Whether the process (pid and start time, as test network state and scratch folder names record it) is this
    # run's: one of its live processes, or a child started here that has ended since.
    if ($ProcessId -le 0) { return $false }
    if ($null -eq $StartTicks) { return $false }
    if ($Live.Contains($ProcessId) -and (Get-ProcessStartTicks $ProcessId) -eq [uint64]$StartTicks) { return $true }
    return [bool]($script:Children | Where-Object { $_.Id -eq $ProcessId -and $_.Start -eq [uint64]$StartTicks })
}

function Get-HeldBpfIds($Live) {
    # The programs and maps the run's processes hold an fd of (/proc/PID/fdinfo: prog_id, map_id).
    $held = [pscustomobject]@{ Programs = [System.Collections.Generic.HashSet[uint32]]::new(); Maps = [System.Collections.Generic.HashSet[uint32]]::new() }
    foreach ($p in $Live) {
        $files = try { [IO.Directory]::GetFiles("/proc/$p/fdinfo") } catch { @() }
        foreach ($f in $files) {
            $text = try { [IO.File]::ReadAllText($f) } catch { '' }
            if ($text -match '(?m)^prog_id:\s+(\d+)') { $null = $held.Programs.Add([uint32]$Matches[1]) }
            elseif ($text -match '(?m)^map_id:\s+(\d+)') { $null = $held.Maps.Add([uint32]$Matches[1]) }
        }
    }
    return $held
}

function Get-TestNetworkRecords($Live) {
    # The state files of test networks, each with whether this run made it.
    foreach ($file in Get-ChildItem /run/ebpfps/networks -Filter *.json -ErrorAction SilentlyContinue) {
        $n = try { Get-Content -Raw -LiteralPath $file.FullName | ConvertFrom-Json } catch { $null }
        if (-not $n -or -not $n.Name) { continue }
        [pscustomobject]@{
            Name = $n.Name; Namespaces = @($n.Namespaces); RootInterface = $n.RootInterface
            Ours = [bool]($n.CreatorProcessId -and (Test-RunProcess $n.CreatorProcessId $n.CreatorStartTicks $Live))
            Creator = "$($n.CreatorProcessId) ($($n.CreatorName))"
        }
    }
}

function Get-SshdProcessIds {
    # Live sshd processes (Get-KernelSnapshot's Sshd, read the same way).
    foreach ($dir in [IO.Directory]::GetDirectories('/proc')) {
        $name = [IO.Path]::GetFileName($dir)
        if ($name -notmatch '^\d+$') { continue }
        $comm = try { [IO.File]::ReadAllText("$dir/comm").Trim() } catch { '' }
        if ($comm -eq 'sshd' -and $null -ne (Get-ProcessStartTicks ([int]$name))) { [int]$name }
    }
}

function New-StringSet($Items) {
    $set = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($i in $Items) { $null = $set.Add("$i") }
    return , $set
}

function Get-NetNamespaceNames { @(& ip netns list 2>$null | ForEach-Object { ($_ -split ' ')[0] }) }

function Test-NameMatch([string] $Text, [string[]] $Name) { [bool]($Name | Where-Object { $Text -like $_ }) }

function Get-RunLeak($Before, [string[]] $Name, [string[]] $Keep) {
    # One look: what is here now, was not before, and belongs to this run (and what of $Keep went).
    $was = @{}
    foreach ($k in 'Pins', 'ProgramIds', 'MapIds', 'Namespaces', 'Interfaces', 'Sshd') {
        # Sets: a machine with a thousand interfaces has thousands of pins, and -notin on arrays is quadratic.
        $was[$k] = New-StringSet $Before.$k
    }
    $live = Get-RunProcessIds
    $held = Get-HeldBpfIds $live
    $listed = Get-NetNamespaceNames
    $networks = @(Get-TestNetworkRecords $live)
    # Listed again after the state files were read: a network removed meanwhile lost its namespaces before its
    # file, so a namespace in both lists whose file is gone has none.
    $first = New-StringSet $listed
    $now = @(Get-NetNamespaceNames | Where-Object { $first.Contains($_) })
    $networkOf = @{}
    foreach ($n in $networks) { foreach ($ns in $n.Namespaces) { $networkOf[$ns] = $n } }
    $ourNetworks = @($networks | Where-Object Ours)
    $ourNamespaces = [System.Collections.Generic.HashSet[string]]::new()
    foreach ($ns in $now) {
        $net = $networkOf[$ns]
        $why = if ($net) { if ($net.Ours) { "of test network $($net.Name), made by this run's process $($net.Creator)" } }
        elseif ($script:MadeNamespaces.Contains($ns)) { 'made by New-ScratchNamespace here' }
        # A network's file goes only after its namespaces, so one named as New-BpfTestNetwork names them without a
        # file was left by the module itself; whoever's run it was, it is a leak.
        elseif ($ns -cmatch '^ebpfps-[0-9a-f]{8}-[a-z0-9]+$') { 'named as New-BpfTestNetwork names a network, with no state file' }
        elseif (Test-NameMatch $ns $Name) { 'named by the test' }
        if (-not $why) { continue }
        $null = $ourNamespaces.Add($ns)
        if (-not $was.Namespaces.Contains($ns)) { [pscustomobject]@{ Kind = 'Namespace'; Name = $ns; Reason = $why } }
    }

    $programs = @(Invoke-Json bpftool -j -f prog show)
    $maps = @(Invoke-Json bpftool -j -f map show)
    $loaded = [System.Collections.Generic.HashSet[uint32]]::new()
    $pinnedBy = @{}
    foreach ($p in $programs) { $null = $loaded.Add([uint32]$p.id); foreach ($path in @($p.pinned)) { if ($path) { $pinnedBy[$path] = "program $($p.id)" } } }
    $heldProgs = @($programs | Where-Object { $held.Programs.Contains([uint32]$_.id) })
    $ourMaps = [System.Collections.Generic.HashSet[uint32]]::new($held.Maps)
    foreach ($p in $heldProgs) { foreach ($m in @($p.map_ids)) { if ($null -ne $m) { $null = $ourMaps.Add([uint32]$m) } } }
    # Programs attached in the run's namespaces, made before the test or during it: a detach that left one is a leak.
    $attached = @{}
    foreach ($ns in $ourNamespaces) {
        foreach ($link in @(Invoke-Json ip -n $ns -j -d link show)) {
            if ($link.PSObject.Properties['xdp'] -and $link.xdp.prog.id) { $attached[[uint32]$link.xdp.prog.id] = "XDP on $($link.ifname) in $ns" }
        }
        foreach ($tc in @(Get-TcProgram -NetNamespace $ns -ErrorAction SilentlyContinue)) { $attached[[uint32]$tc.ProgramId] = "TC on $($tc.Interface) in $ns" }
    }
    foreach ($p in $programs | Where-Object { $attached.ContainsKey([uint32]$_.id) }) {
        foreach ($m in @($p.map_ids)) { if ($null -ne $m) { $null = $ourMaps.Add([uint32]$m) } }
    }
    foreach ($m in $maps) { foreach ($path in @($m.pinned)) { if ($path) { $pinnedBy[$path] = "map $($m.id)" } } }
    $maxBefore = ($Before.ProgramIds | Measure-Object -Maximum).Maximum
    $pins = @(Get-ChildItem -Recurse -Force /sys/fs/bpf -ErrorAction SilentlyContinue | ForEach-Object FullName)
    $newPins = @($pins | Where-Object { -not $was.Pins.Contains($_) })
    # tcx links are pinned per namespace cookie: only the run's namespaces are entered to learn theirs.
    $keys = if ($newPins -like '/sys/fs/bpf/ebpfps/tcx/*') {
        @($ourNamespaces | ForEach-Object { try { [EbpfPs.Engine.Network.NetNamespace]::Key($_) } catch { } })
    }

    $pinOwner = {
        param([string] $Path)
        $parts = $Path.Substring('/sys/fs/bpf/'.Length).Split('/')
        $top = $parts[0]
        if ((Test-NameMatch $Path $Name) -or (Test-NameMatch $top $Name)) { return 'named by the test' }
        if ($script:MadePinRoots.Contains("/sys/fs/bpf/$top") -or $top -match "-$PID-[0-9a-f]{8}$") { return 'in a scratch pin folder of this process' }
        if ($top -match '^ebpfps-state-\d+-(\d+)-(\d+)-[0-9a-f]{8}$' -and (Test-RunProcess ([int]$Matches[1]) $Matches[2] $live)) {
            return "in the state scratch folder of this run's process $($Matches[1])"
        }
        $what = $pinnedBy[$Path]
        if ($what -match '^program (\d+)' -and ($held.Programs.Contains([uint32]$Matches[1]) -or $attached.ContainsKey([uint32]$Matches[1]))) {
            return "pins $what, held or attached by this run"
        }
        if ($what -match '^map (\d+)' -and $ourMaps.Contains([uint32]$Matches[1])) { return "pins $what, held or used by this run" }
        if ($top -eq 'ebpfps' -and $parts.Count -ge 3 -and $parts[1] -eq 'programs' -and $parts[2] -match '^\d+$') {
            $id = [uint32]$parts[2]
            if ($held.Programs.Contains($id) -or $attached.ContainsKey($id)) { return "the private pin folder of program $id, held or attached by this run" }
            # A private folder outlives its program only by a bug; one of a program made during the test is the
            # test's (program ids only grow).
            if (-not $loaded.Contains($id) -and $id -gt $maxBefore) { return "the private pin folder of program $id, which is gone" }
        }
        if ($top -eq 'ebpfps' -and $parts.Count -ge 3 -and $parts[1] -eq 'tcx') {
            if ($parts[2] -in $keys) { return 'tcx links of a namespace of this run' }
        }
        return $null
    }

    foreach ($path in $newPins) {
        $why = & $pinOwner $path
        if ($why) { [pscustomobject]@{ Kind = 'Pin'; Name = $path; Reason = $why } }
    }
    foreach ($p in $heldProgs | Where-Object { -not $was.ProgramIds.Contains("$($_.id)") }) {
        [pscustomobject]@{ Kind = 'Program'; Name = "$($p.id) ($($p.name))"; Reason = 'an fd of this run holds it' }
    }
    foreach ($p in $programs | Where-Object { -not $was.ProgramIds.Contains("$($_.id)") -and -not $held.Programs.Contains([uint32]$_.id) }) {
        $pinned = @($p.pinned | Where-Object { $_ -and (& $pinOwner $_) })
        if ($pinned) { [pscustomobject]@{ Kind = 'Program'; Name = "$($p.id) ($($p.name))"; Reason = "pinned at $($pinned -join ', ')" } }
    }

    foreach ($p in $programs | Where-Object { -not $was.ProgramIds.Contains("$($_.id)") -and $attached.ContainsKey([uint32]$_.id) }) {
        [pscustomobject]@{ Kind = 'Program'; Name = "$($p.id) ($($p.name))"; Reason = "attached: $($attached[[uint32]$p.id])" }
    }

    foreach ($m in $maps | Where-Object { -not $was.MapIds.Contains("$($_.id)") -and $held.Maps.Contains([uint32]$_.id) }) {
        [pscustomobject]@{ Kind = 'Map'; Name = "$($m.id) ($($m.name))"; Reason = 'an fd of this run holds it' }
    }

    $ids = @{}
    foreach ($n in @(Invoke-Json ip -j netns list)) { if ($null -ne $n.id) { $ids[[int]$n.id] = $n.name } }
    foreach ($link in @(Invoke-Json ip -j link show) | Where-Object { -not $was.Interfaces.Contains($_.ifname) }) {
        $peer = if ($null -ne $link.link_netnsid) { $ids[[int]$link.link_netnsid] }
        $why = if ($peer -and $ourNamespaces.Contains($peer)) { "its peer is in $peer, a namespace of this run" }
        elseif ($link.ifname -in $ourNetworks.RootInterface) { 'the root interface of a test network of this run' }
        elseif (Test-NameMatch $link.ifname $Name) { 'named by the test' }
        if ($why) { [pscustomobject]@{ Kind = 'Interface'; Name = $link.ifname; Reason = $why } }
    }

    foreach ($sshd in (Get-SshdProcessIds) | Where-Object { -not $was.Sshd.Contains("$_") }) {
        $cmd = (Get-Content -Raw -LiteralPath "/proc/$sshd/cmdline" -ErrorAction SilentlyContinue) -replace "`0", ' '
        $folder = if ($cmd -match '/run/ebpfps/networks/([^/ ]+)/') { $Matches[1] }
        $why = if ($live.Contains($sshd)) { "started by this run ($cmd)" }
        elseif ($folder -and ($folder -in $ourNetworks.Name -or ($ourNamespaces | Where-Object { $_ -like "$folder-*" }))) { "of test network $folder of this run" }
        elseif ($folder -and (Test-NameMatch $folder $Name)) { "of test network $folder, named by the test" }
        if ($why) { [pscustomobject]@{ Kind = 'Sshd'; Name = "$sshd"; Reason = $why } }
    }

    $here = New-StringSet $pins
    foreach ($gone in @($Before.Pins | Where-Object { (Test-NameMatch $_ $Keep) -and -not $here.Contains($_) }) +
        @($Before.Namespaces | Where-Object { (Test-NameMatch $_ $Keep) -and $_ -notin $now })) {
        [pscustomobject]@{ Kind = 'Removed'; Name = $gone; Reason = 'was there before, the test was to keep it' }
    }
}

function Compare-KernelSnapshot {
    # What this run left behind since -Before (a Get-KernelSnapshot): namespaces, pins, programs, root-namespace
    # interfaces and sshd that belong to this run, one object each (Kind, Name, Reason); nothing when it left
    # nothing. Other people's entries are not reported. -Name adds wildcard names the test made under a shared
    # name (a pin at the bpffs root, a namespace made with ip); -Keep names pre-existing pins or namespaces that
    # must still be there. The kernel frees programs and namespaces a little after their last user goes, so a
    # report that is not empty is looked at again for up to -TimeoutMs.
    param([Parameter(Mandatory)] $Before, [string[]] $Name = @(), [string[]] $Keep = @(), [int] $TimeoutMs = 5000)
    $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
    while ($true) {
        $leaks = @(Get-RunLeak $Before $Name $Keep)
        if ($leaks.Count -eq 0 -or [DateTime]::UtcNow -gt $deadline) { return $leaks }
        Start-Sleep -Milliseconds 100
    }
}
