# The README's first command ends here: the XDP-versus-TC comparison of tk154/eBPF-Tests on test networks this script
# makes and removes. Drop and the router with live frames, the router with TCP (iperf3) against the kernel's
# own forwarding; it prints the table and the ratios, writes hooks.csv and hooks.svg, and leaves nothing behind.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputDirectory,
    [int[]] $PacketSize = @(64, 512, 1500),
    [int] $Repeat = 3,
    [double] $Seconds = 0.5,
    [double] $TcpSeconds = 2
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = New-Item -ItemType Directory -Force $OutputDirectory
$hooks = 'XdpNative', 'XdpGeneric', 'TcIngress'

Write-Host "`n== This kernel" -ForegroundColor Green
Get-BpfFeature -Category System | Format-Table Name, Supported, Value -AutoSize | Out-Host
if (-not (Get-BpfFeature -Name LiveFrames).Supported) {
    Write-Warning ("This kernel refuses live frames (BPF_F_TEST_XDP_LIVE_FRAMES): the live-frames rows are sent " +
        "through a packet socket from one CPU, so they show the sender's rate more than the hooks'; the TCP rows " +
        "still compare the hooks.")
}

$pair = New-BpfTestNetwork -Topology Pair
$routed = New-BpfTestNetwork -Topology Routed
try {
    Write-Host "== drop on a Pair network ($($pair.Name)): $($hooks -join ', '), sizes $($PacketSize -join ', '), $Repeat interleaved rounds" -ForegroundColor Green
    $results = @(Measure-HookThroughput -Program drop -Hook $hooks -PacketSize $PacketSize -Repeat $Repeat -Duration $Seconds -Network $pair)
    Write-Host "== router forwarding A to B on a Routed network ($($routed.Name)), live frames" -ForegroundColor Green
    $results += Measure-HookThroughput -Program router -Routed -Hook $hooks -PacketSize $PacketSize -Repeat $Repeat -Duration $Seconds -Network $routed
    Write-Host "== router, TCP with iperf3 from A to B, against the kernel's own forwarding (Stack)" -ForegroundColor Green
    $results += Measure-HookThroughput -Program router -Routed -Traffic Tcp -Hook ($hooks + 'Stack') -Repeat $Repeat -Duration $TcpSeconds -Network $routed

    $results | Format-Table | Out-Host
    $results | Where-Object FramesPerProgramRun | Group-Object Program, Traffic, Hook | ForEach-Object {
        $_.Group | Sort-Object PacketSize | Select-Object -Last 1 } |
        Format-Table Program, Traffic, Hook, ReceiveOffload, FramesPerProgramRun -AutoSize | Out-Host
    $csv = Join-Path $OutputDirectory 'hooks.csv'
    $results | Select-Object Program, Traffic, Hook, PacketSize, PacketsPerSecond, BitsPerSecond, NsPerPacket, ProgramNsPerPacket, Packets, Sent, Lost,
        Retransmits, ProgramPackets, CountersAgree, StackForwarded, Flows, Seconds, Samples, MinPacketsPerSecond, MaxPacketsPerSecond, Spread,
        XdpModeInForce, GroOnReceiver, ReceiveOffload, ProgramRuns, FramesPerProgramRun, ProgramVerdict, GeneratorCpu,
        Kernel, Cpus, Conditions, Note |
        Export-Csv -Path $csv
    $svg = Join-Path $OutputDirectory 'hooks.svg'
    $null = $results | Export-BpfHookChart -Path $svg

    # One line on why the two traffic kinds order the hooks differently, with this run's own frames per run.
    function Get-HookOrderReason($rows) {
        $tcp = @($rows | Where-Object { $_.Traffic -eq 'Tcp' -and $_.Hook -eq 'TcIngress' })
        $perRun = if ($tcp -and $null -ne $tcp[0].FramesPerProgramRun) { 'about {0:N0}' -f $tcp[0].FramesPerProgramRun } else { 'a train of' }
        "Why TCP and live frames order the hooks differently: TC runs after GRO, which merged $perRun TCP frames " +
            'into each TC run (FramesPerProgramRun), while XDP runs before GRO on every frame; live frames (UDP) are ' +
            'not merged, so there every hook pays per frame.'
    }
    Write-Host '== Against TC, per program, traffic and size (live frames: packets/s; TCP: iperf3 bits/s)' -ForegroundColor Green
    Write-Host ("Faster or slower only where the min-max intervals of the $Repeat samples do not overlap (fewer than 3 " +
        'samples give no interval); two medians alone do not decide.')
    $rates = [EbpfPs.Engine.Measuring.HookRate[]]@($results | ForEach-Object { [EbpfPs.Engine.Measuring.HookRate]::From($_) })
    [EbpfPs.Engine.Measuring.HookComparison]::Ratios($rates) | Group-Object Program, Traffic, PacketSize | ForEach-Object {
        $row = [ordered]@{ Program = $_.Group[0].Program; Traffic = $_.Group[0].Traffic; PacketSize = $_.Group[0].PacketSize }
        foreach ($hook in ('XdpNative', 'Native:TC'), ('XdpGeneric', 'Generic:TC'), ('Stack', 'Stack:TC')) {
            $r = $_.Group | Where-Object Hook -EQ $hook[0]
            $row[$hook[1]] = if ($r) { '{0:0.00} {1}' -f $r.Ratio, $r.Says }
        }
        [pscustomobject]$row
    } | Format-Table -AutoSize | Out-Host
    Write-Host (Get-HookOrderReason $results)
    Write-Host "Wrote $csv and $svg (open the SVG in a browser)."
}
finally {
    Remove-BpfTestNetwork $pair.Name, $routed.Name -Confirm:$false
}

# Many routers: remoting over SSH and desired state (the routers' sessions import the installed module by name).
Write-Host "`n== Many routers: docs/examples/fleet.ps1" -ForegroundColor Green
& (Join-Path $PSScriptRoot '../docs/examples/fleet.ps1') -OutputDirectory (Join-Path $OutputDirectory 'fleet')
