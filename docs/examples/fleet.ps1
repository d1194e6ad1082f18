<#
.SYNOPSIS
    Many routers from one script: one desired state on every router over PowerShell remoting, traffic through
    all of them, their counters in one CSV, and a hook comparison on each.
.DESCRIPTION
    Makes a Fleet test network (routers in namespaces, each with its own sshd), applies one state file to all
    routers with Set-BpfState inside Invoke-Command, sends pings from the shared client A through every router
    to client B, collects every router's flow counters into one CSV (with PSComputerName), runs
    Measure-HookThroughput on each router in turn and prints a table per host; then removes everything.
    Remote sessions import the module by name, so run `build.ps1 Install` first (Demo and Test do).
.EXAMPLE
    ./fleet.ps1 -Count 3 -OutputDirectory ./out/fleet
#>
param(
    [ValidateRange(1, 16)][int] $Count = 3,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/fleet'),
    # Where this session loads the module from; the routers' sessions always import it by name.
    [string] $ModulePath,
    [double] $MeasureSeconds = 0.3
)
$ErrorActionPreference = 'Stop'
if ($ModulePath) { Import-Module $ModulePath } elseif (-not (Get-Module EbpfPs)) { Import-Module EbpfPs }
$null = New-Item -ItemType Directory -Force $OutputDirectory

# One state for every router: the router program at native XDP on both of its interfaces, and its flow
# counters pinned where operators look for them. Each router has its own bpffs, as a real one would.
$statePath = Join-Path $OutputDirectory 'router.psd1'
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

$fleet = New-BpfTestNetwork -Topology Fleet -Count $Count
$sessions = @()
try {
    Write-Host "== Fleet $($fleet.Name): $Count routers, reached over SSH from this namespace" -ForegroundColor Green
    $fleet.Hosts | Format-Table | Out-Host
    $ssh = @{ HostName = $fleet.Hosts.HostName; UserName = $fleet.UserName; KeyFilePath = $fleet.KeyFilePath
        Options = $fleet.SshOptions }
    $sessions = @(New-PSSession @ssh)
    Invoke-Command -Session $sessions { Import-Module EbpfPs }

    Write-Host '== Set-BpfState on every router (the second run changes nothing)' -ForegroundColor Green
    # One command for the whole fleet: every router at once, each change and each error naming its host.
    Invoke-Command -Session $sessions -ThrottleLimit 16 { Set-BpfState -Path $using:statePath } |
        Format-Table PSComputerName, Action, Item, Target, Hook -AutoSize | Out-Host
    $again = @(Invoke-Command -Session $sessions { Set-BpfState -Path $using:statePath })
    Write-Host "Second run: $($again.Count) changes."

    Write-Host '== Traffic from client A through every router to client B' -ForegroundColor Green
    foreach ($h in $fleet.Hosts) {
        & ip netns exec "$($fleet.Name)-a" ping -q -c 10 -i 0.01 -W 1 $h.DestinationAddress | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "No answer from $($h.DestinationAddress) through $($h.Name)" }
    }

    Write-Host '== Router counters from every router' -ForegroundColor Green
    $rows = Invoke-Command -Session $sessions { Get-BpfMapEntry -Path /sys/fs/bpf/rout_stats } | ForEach-Object {
        [pscustomobject]@{
            PSComputerName = $_.PSComputerName
            Source         = $_.Key.src
            Destination    = $_.Key.dst
            Packets        = $_.Value.packets
            Bytes          = $_.Value.bytes
        }
    } | Sort-Object PSComputerName, Source
    $csv = Join-Path $OutputDirectory 'fleet-counters.csv'
    $rows | Export-Csv -LiteralPath $csv
    $rows | Format-Table | Out-Host

    Write-Host "== Measure-HookThroughput on each router in turn ($MeasureSeconds s per hook)" -ForegroundColor Green
    # One router at a time: measurements that share the CPUs would measure each other.
    $hooks = foreach ($s in $sessions) {
        Invoke-Command -Session $s {
            Measure-HookThroughput -Program drop -Hook XdpNative, XdpGeneric, TcIngress -PacketSize 64 `
                -Duration $using:MeasureSeconds
        }
    }
    foreach ($group in $hooks | Group-Object PSComputerName) {
        Write-Host "-- $($group.Name)"
        $group.Group | Format-Table Hook, PacketSize, @{ n = 'Mpps'; e = { [Math]::Round($_.PacketsPerSecond / 1e6, 2) } },
            NsPerPacket, Lost, XdpModeInForce -AutoSize | Out-Host
    }
    Write-Host "Wrote $csv"
}
finally {
    if ($sessions) { Remove-PSSession $sessions }
    Remove-BpfTestNetwork $fleet.Name -Confirm:$false
}
