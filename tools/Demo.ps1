# The README's first command ends here: the seed's XDP-versus-TC comparison on a test network this
# script makes and removes. It prints the table, writes hooks.csv and hooks.svg, and leaves nothing behind.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputDirectory,
    [int[]] $PacketSize = @(64, 512, 1500),
    [int] $Repeat = 3,
    [double] $Seconds = 0.5
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = New-Item -ItemType Directory -Force $OutputDirectory
$hooks = 'XdpNative', 'XdpGeneric', 'TcIngress'

Write-Host "`n== This kernel" -ForegroundColor Green
Get-BpfFeature -Category System | Format-Table Name, Supported, Value -AutoSize | Out-Host

$pair = New-BpfTestNetwork -Topology Pair
$routed = New-BpfTestNetwork -Topology Routed
try {
    Write-Host "== drop on a Pair network ($($pair.Name)): $($hooks -join ', '), sizes $($PacketSize -join ', '), $Repeat interleaved rounds" -ForegroundColor Green
    $results = @(Measure-HookThroughput -Program drop -Hook $hooks -PacketSize $PacketSize -Repeat $Repeat -Duration $Seconds -Network $pair)
    Write-Host "== router forwarding A to B on a Routed network ($($routed.Name))" -ForegroundColor Green
    $results += Measure-HookThroughput -Program router -Routed -Hook $hooks -PacketSize $PacketSize -Repeat $Repeat -Duration $Seconds -Network $routed

    $results | Format-Table | Out-Host
    $csv = Join-Path $OutputDirectory 'hooks.csv'
    $results | Select-Object Program, Hook, PacketSize, PacketsPerSecond, BitsPerSecond, NsPerPacket, Packets, Sent, Lost, Seconds, Samples,
        MinPacketsPerSecond, MaxPacketsPerSecond, Spread, XdpModeInForce, GroOnReceiver, Kernel, Cpus, Note | Export-Csv -Path $csv
    $svg = Join-Path $OutputDirectory 'hooks.svg'
    & (Join-Path $PSScriptRoot 'New-HookChart.ps1') -Results $results -Path $svg -Title "Packets/s by hook and size ($(& uname -r), $([Environment]::ProcessorCount) CPUs)"

    Write-Host '== Ratios against TC, per program and size' -ForegroundColor Green
    $results | Group-Object Program, PacketSize | ForEach-Object {
        $tc = ($_.Group | Where-Object Hook -EQ TcIngress).PacketsPerSecond
        [pscustomobject]@{
            Program        = $_.Group[0].Program
            PacketSize     = $_.Group[0].PacketSize
            'Native:TC'    = [Math]::Round(($_.Group | Where-Object Hook -EQ XdpNative).PacketsPerSecond / $tc, 2)
            'Generic:TC'   = [Math]::Round(($_.Group | Where-Object Hook -EQ XdpGeneric).PacketsPerSecond / $tc, 2)
        }
    } | Format-Table -AutoSize | Out-Host
    Write-Host "Wrote $csv and $svg (open the SVG in a browser)."
}
finally {
    Remove-BpfTestNetwork $pair.Name, $routed.Name -Confirm:$false
}

# Many routers: remoting over SSH and desired state (the routers' sessions import the installed module by name).
Write-Host "`n== Many routers: docs/examples/fleet.ps1" -ForegroundColor Green
& (Join-Path $PSScriptRoot '../docs/examples/fleet.ps1') -OutputDirectory (Join-Path $OutputDirectory 'fleet')
