# Fleets against their size, for 1, 4 and 16 routers: making a Fleet test network; reaching it (New-PSSession to
# every router, which starts a pwsh there, then Import-Module there: what each Invoke-Command -HostName pays
# again); a trivial fan-out over the open sessions; converging every router from one state file with
# Set-BpfState (then the quiet second run and Test-BpfState), all through one Invoke-Command over the sessions;
# removing it. Each time is printed with its cost per router, and the reference is the 1-router fleet measured
# in the same run (PerRouterVs1: the per-router converge cost against the 1-router one). At the largest size the
# reach is measured again with a lower -ThrottleLimit, to show what starting fewer pwsh at once buys on this CPU.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int[]] $Count = @(1, 4, 16),
    [int] $ThrottleLimit = 32,
    [int] $LowThrottleLimit = 4
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = New-Item -ItemType Directory -Force $WorkDirectory
$statePath = Join-Path $WorkDirectory 'fleet-router.psd1'
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

function Connect-Fleet($Fleet, [int] $Throttle) {
    # The sessions and how long opening them (pwsh started on each router) and importing the module there took.
    # New-PSSession over SSH has no -ThrottleLimit: it is called for $Throttle routers at a time.
    $ssh = @{ UserName = $Fleet.UserName; KeyFilePath = $Fleet.KeyFilePath; Options = $Fleet.SshOptions }
    $names = @($Fleet.Hosts.HostName)
    $sessions = [Collections.Generic.List[object]]::new()
    $connect = (Measure-Command {
            for ($i = 0; $i -lt $names.Count; $i += $Throttle) {
                $sessions.AddRange(@(New-PSSession @ssh -HostName $names[$i..([Math]::Min($i + $Throttle, $names.Count) - 1)]))
            }
        }).TotalSeconds
    if ($sessions.Count -ne $names.Count) { throw "only $($sessions.Count) of $($names.Count) sessions opened" }
    $import = (Measure-Command { Invoke-Command -Session $sessions -ThrottleLimit $Throttle { Import-Module $using:ModulePath } }).TotalSeconds
    [pscustomobject]@{ Sessions = $sessions.ToArray(); Connect = $connect; Import = $import }
}

$rows = [Collections.Generic.List[object]]::new()
$lowThrottle = $null
foreach ($n in $Count) {
    $fleet = $null
    $reach = $null
    try {
        $name = "ebpfps-bench-$([guid]::NewGuid().ToString("N").Substring(0, 8))"
        $make = (Measure-Command { $fleet = New-BpfTestNetwork -Name $name -Topology Fleet -Count $n }).TotalSeconds
        $reach = Connect-Fleet $fleet $ThrottleLimit
        $s = $reach.Sessions
        # The best of three: one trivial round trip to every router with the module already imported.
        $fanOut = (1..3 | ForEach-Object {
                (Measure-Command { $null = Invoke-Command -Session $s -ThrottleLimit $ThrottleLimit { (Get-Module EbpfPs).Version } }).TotalSeconds
            } | Measure-Object -Minimum).Minimum
        $changes = @()
        $converge = (Measure-Command {
            $changes = @(Invoke-Command -Session $s -ThrottleLimit $ThrottleLimit { Set-BpfState -Path $using:statePath })
        }).TotalSeconds
        if ($changes.Count -ne 3 * $n -or @($changes.PSComputerName | Sort-Object -Unique).Count -ne $n) {
            throw "converging $n routers made $($changes.Count) changes, not $(3 * $n) from $n hosts"
        }
        $again = (Measure-Command {
            $changes = @(Invoke-Command -Session $s -ThrottleLimit $ThrottleLimit { Set-BpfState -Path $using:statePath })
        }).TotalSeconds
        $check = (Measure-Command {
            $changes += @(Invoke-Command -Session $s -ThrottleLimit $ThrottleLimit { Test-BpfState -Path $using:statePath })
        }).TotalSeconds
        if ($changes.Count -ne 0) { throw "the second Set-BpfState or Test-BpfState found $($changes.Count) differences" }
        $connect, $import = $reach.Connect, $reach.Import
        if ($n -eq ($Count | Measure-Object -Maximum).Maximum -and $LowThrottleLimit -lt $ThrottleLimit) {
            Remove-PSSession $s
            $reach = Connect-Fleet $fleet $LowThrottleLimit
            $lowThrottle = [pscustomobject]@{ Routers = $n; ThrottleLimit = $LowThrottleLimit
                ConnectS = [Math]::Round($reach.Connect, 2); ImportS = [Math]::Round($reach.Import, 2)
                FullConnectS = [Math]::Round($connect, 2); FullImportS = [Math]::Round($import, 2) }
        }
        Remove-PSSession $reach.Sessions
        $reach = $null
        $remove = (Measure-Command { Remove-BpfTestNetwork $fleet.Name -Confirm:$false }).TotalSeconds
        $fleet = $null
        $rows.Add([pscustomobject]@{
                Routers             = $n
                MakeS               = [Math]::Round($make, 2)
                ConnectS            = [Math]::Round($connect, 2)
                ImportS             = [Math]::Round($import, 2)
                FanOutS             = [Math]::Round($fanOut, 3)
                ConvergeS           = [Math]::Round($converge, 2)
                AgainS              = [Math]::Round($again, 2)
                TestS               = [Math]::Round($check, 2)
                RemoveS             = [Math]::Round($remove, 2)
                MakeMsPerRouter     = [Math]::Round(1000 * $make / $n)
                ReachMsPerRouter    = [Math]::Round(1000 * ($connect + $import) / $n)
                ConvergeMsPerRouter = [Math]::Round(1000 * $converge / $n)
            })
    }
    finally {
        if ($reach) { Remove-PSSession $reach.Sessions -ErrorAction SilentlyContinue }
        # By name, so a fleet made before a failure in the same statement is removed too.
        if (Get-BpfTestNetwork | Where-Object Name -EQ $name) { Remove-BpfTestNetwork $name -Confirm:$false }
    }
}
# The reference: the 1-router fleet of this run (or the smallest measured). Per-router costs at or below 1.0
# mean the work spreads over the routers; above it, more routers cost more each (2 CPUs share every pwsh).
$base = $rows | Sort-Object Routers | Select-Object -First 1
foreach ($r in $rows) {
    $r | Add-Member PerRouterVs1 ([Math]::Round($r.ConvergeMsPerRouter / [Math]::Max(1, $base.ConvergeMsPerRouter), 2))
    $r | Add-Member ReachPerRouterVs1 ([Math]::Round($r.ReachMsPerRouter / [Math]::Max(1, $base.ReachMsPerRouter), 2))
}
# Every column, not the first ten a default table shows.
$rows | Format-Table -AutoSize -Property Routers, MakeS, ConnectS, ImportS, FanOutS, ConvergeS, AgainS, TestS, RemoveS,
    MakeMsPerRouter, ReachMsPerRouter, ConvergeMsPerRouter, PerRouterVs1, ReachPerRouterVs1 | Out-String -Width 240 | Out-Host
if ($lowThrottle) {
    Write-Host ("Reaching {0} routers: -ThrottleLimit {1}: connect {2} s + import {3} s; -ThrottleLimit {4}: connect {5} s + import {6} s" -f
        $lowThrottle.Routers, $ThrottleLimit, $lowThrottle.FullConnectS, $lowThrottle.FullImportS,
        $LowThrottleLimit, $lowThrottle.ConnectS, $lowThrottle.ImportS)
}
foreach ($r in $rows) {
    Write-Host ("{0,2} routers: make {1} ms/router, reach {2} ms/router, converge {3} ms/router ({4}x the 1-router cost), fan-out over open sessions {5} s" -f
        $r.Routers, $r.MakeMsPerRouter, $r.ReachMsPerRouter, $r.ConvergeMsPerRouter, $r.PerRouterVs1, $r.FanOutS)
}
