# Measure-HookThroughput against live-frames loops written in C (live_frames.c with its own generator,
# bench_gen.c), back to back on the same network, hook, program, frame and CPU; both counted the same
# way: the receiver's rx packets over the timed call. Each round measures both back to back; the ratio is the
# median of the rounds' ratios (a noisy moment hits both sides of a pair), printed with its range.
#   drop on a Pair:   against the minimal loop (constant ifindex, no map access, nothing written)
#   router, Routed:   against the loop that writes the template back into every frame (as a router needs)
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [double] $Seconds = 1,
    [int] $Rounds = 5
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = New-Item -ItemType Directory -Force $WorkDirectory
$loop = Join-Path $WorkDirectory 'live_frames'
& gcc -O2 -Wall -o $loop (Join-Path $PSScriptRoot 'live_frames.c') -lbpf
if ($LASTEXITCODE -ne 0) { throw 'gcc failed for bench/live_frames.c' }
$arch = & uname -m
$gen = @{}
foreach ($kind in 'Minimal', 'Restore') {
    $gen[$kind] = Join-Path $WorkDirectory "bench_gen_$kind.o"
    [string[]] $define = if ($kind -eq 'Restore') { '-DRESTORE' } else { @() }
    & clang -O2 -g -Wall -Werror -target bpf -I "/usr/include/$arch-linux-gnu" @define -c (Join-Path $PSScriptRoot 'bench_gen.c') -o $gen[$kind]
    if ($LASTEXITCODE -ne 0) { throw "clang failed for bench/bench_gen.c ($kind)" }
}
if (-not (Get-BpfFeature -Name LiveFrames).Supported) {
    Write-Warning ('This kernel refuses live frames: the module and the C loops both send through a packet socket ' +
        '(AF_PACKET, qdisc bypass), so the ratios compare senders, not live-frames generators.')
}
# Both pin the generator to the CPU the module picks.
$cpu = [EbpfPs.Engine.Measuring.LiveFrameGenerator]::DefaultCpu()

function Get-Rx($i) { [uint64](& ip -n $i.NetNamespace -s -j link show dev $i.Interface | ConvertFrom-Json)[0].stats64.rx.packets }
function Get-Median([double[]] $v) { ($v | Sort-Object)[[int][Math]::Floor($v.Count / 2)] }
function Get-Range([double[]] $v) { '{0:N2}-{1:N2}' -f ($v | Measure-Object -Minimum).Minimum, ($v | Measure-Object -Maximum).Maximum }

function Write-Frame($from, $nextHop, $to, $path) {
    # The frame Measure-HookThroughput sends: 64 bytes on the wire, UDP from A to B, to the next hop's MAC.
    $spec = [EbpfPs.Engine.Packets.PacketSpec]@{
        SourceMac = [System.Net.NetworkInformation.PhysicalAddress]::Parse($from.Mac.Replace(':', '-').ToUpperInvariant())
        DestinationMac = [System.Net.NetworkInformation.PhysicalAddress]::Parse($nextHop.Mac.Replace(':', '-').ToUpperInvariant())
        Source = [ipaddress]$from.Address; Destination = [ipaddress]$to.Address; FrameLength = 60
    }
    [IO.File]::WriteAllBytes($path, [EbpfPs.Engine.Packets.PacketBuilder]::Build($spec))
}

function Invoke-CLoop($sender, $receiver, $object, $frame) {
    # Returns received packets per second over the C loop's timed call.
    $rx0 = Get-Rx $receiver
    $out = & $loop $sender.NetNamespace $sender.Interface $object $frame $Seconds $cpu
    if ($LASTEXITCODE -ne 0) { throw "live_frames failed: $out" }
    Start-Sleep -Milliseconds 30
    $rx1 = Get-Rx $receiver
    $sent, $secs = $out -split ' '
    [pscustomobject]@{ Pps = ($rx1 - $rx0) / [double]$secs; Sent = [uint64]$sent; Received = $rx1 - $rx0 }
}

$pair = New-BpfTestNetwork
$routed = New-BpfTestNetwork -Topology Routed
$pins = "/sys/fs/bpf/ebpfps-bench-$PID"
$neighbours = @()
try {
    # --- drop on a Pair: every hook, the module against the minimal C loop (and the C loop that restores headers).
    $a = $pair['A']; $b = $pair['B']
    $frame = Join-Path $WorkDirectory 'frame64.bin'
    Write-Frame $a $b $b $frame
    $drop = foreach ($hook in 'XdpNative', 'XdpGeneric', 'TcIngress') {
        $ours = @(); $minimal = @(); $restore = @()
        for ($round = 0; $round -lt $Rounds; $round++) {
            # Odd rounds measure the module first, so neither side always runs right after the other.
            $first = $round % 2 -eq 1
            if ($first) { $ours += (Measure-HookThroughput -Program drop -Hook $hook -Network $pair -Duration $Seconds -WarningAction SilentlyContinue).PacketsPerSecond }
            switch ($hook) {
                'XdpNative' { Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop -Mode Native | Out-Null }
                'XdpGeneric' { Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop -Mode Generic | Out-Null }
                'TcIngress' { Add-TcProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop | Out-Null }
            }
            try {
                $minimal += (Invoke-CLoop $a $b $gen.Minimal $frame).Pps
                $restore += (Invoke-CLoop $a $b $gen.Restore $frame).Pps
            }
            finally {
                Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
                Get-TcProgram -NetNamespace $b.NetNamespace | Remove-TcProgram -Confirm:$false
            }
            if (-not $first) { $ours += (Measure-HookThroughput -Program drop -Hook $hook -Network $pair -Duration $Seconds -WarningAction SilentlyContinue).PacketsPerSecond }
        }
        $ratios = @(for ($i = 0; $i -lt $Rounds; $i++) { $ours[$i] / $minimal[$i] })
        $restoreRatios = @(for ($i = 0; $i -lt $Rounds; $i++) { $restore[$i] / $minimal[$i] })
        [pscustomobject]@{
            Hook = $hook; EbpfPsPps = [Math]::Round((Get-Median $ours)); MinimalCPps = [Math]::Round((Get-Median $minimal))
            RestoreCPps = [Math]::Round((Get-Median $restore)); Ratio = [Math]::Round((Get-Median $ratios), 3)
            RatioRange = Get-Range $ratios; RestoreCost = [Math]::Round(1 - (Get-Median $restoreRatios), 3)
            CSpread = [Math]::Round((($minimal | Measure-Object -Maximum).Maximum - ($minimal | Measure-Object -Minimum).Minimum) / (Get-Median $minimal), 3)
        }
    }

    # --- the router on a Routed network at native XDP: the module against the C loop that restores headers.
    $ca = $routed['ClientA']; $ra = $routed['RouterA']; $rb = $routed['RouterB']; $cb = $routed['ClientB']
    $rframe = Join-Path $WorkDirectory 'frame64-routed.bin'
    Write-Frame $ca $ra $cb $rframe
    # The C loop's router has its own pin folder (its flow counters are pinned by name), as the module's has.
    $router = Import-BpfObject -Program router -Hook Xdp -PinPath $pins
    foreach ($n in @(@($ra, $ca), @($rb, $cb))) {
        & ip -n $n[0].NetNamespace neigh replace $n[1].Address lladdr $n[1].Mac dev $n[0].Interface nud permanent
        $neighbours += , $n
    }
    $ours = @(); $theirs = @(); $lost = @()
    for ($round = 0; $round -lt $Rounds; $round++) {
        $first = $round % 2 -eq 1
        if ($first) {
            $m = Measure-HookThroughput -Program router -Routed -Hook XdpNative -Network $routed -Duration $Seconds -WarningAction SilentlyContinue
            $ours += $m.PacketsPerSecond; $lost += $m.Lost / [double]$m.Sent
        }
        Add-XdpProgram -Interface $ra.Interface -NetNamespace $ra.NetNamespace -Program $router.Programs[0] -Mode Native | Out-Null
        Add-XdpProgram -Interface $cb.Interface -NetNamespace $cb.NetNamespace -Program drop -Mode Native | Out-Null
        try { $c = Invoke-CLoop $ca $cb $gen.Restore $rframe; $theirs += $c.Pps }
        finally {
            Remove-XdpProgram -Interface $ra.Interface -NetNamespace $ra.NetNamespace -Confirm:$false
            Remove-XdpProgram -Interface $cb.Interface -NetNamespace $cb.NetNamespace -Confirm:$false
        }
        if (-not $first) {
            $m = Measure-HookThroughput -Program router -Routed -Hook XdpNative -Network $routed -Duration $Seconds -WarningAction SilentlyContinue
            $ours += $m.PacketsPerSecond; $lost += $m.Lost / [double]$m.Sent
        }
    }
    $ratios = @(for ($i = 0; $i -lt $Rounds; $i++) { $ours[$i] / $theirs[$i] })
    $routerRow = [pscustomobject]@{
        Hook = 'XdpNative'; EbpfPsPps = [Math]::Round((Get-Median $ours)); RestoreCPps = [Math]::Round((Get-Median $theirs))
        Ratio = [Math]::Round((Get-Median $ratios), 3); RatioRange = Get-Range $ratios; MaxLost = [Math]::Round(($lost | Measure-Object -Maximum).Maximum, 4)
    }

    Write-Host "drop on a Pair (64-byte frames, generator on CPU $cpu, median of $Rounds):"
    $drop | Format-Table -AutoSize | Out-Host
    Write-Host 'router forwarding A to B on a Routed network:'
    $routerRow | Format-Table -AutoSize | Out-Host
    foreach ($r in $drop) {
        $goal = if ($r.Hook -eq 'XdpNative') { ' (goal >= 0.95)' }
        Write-Host ("{0} drop: Measure-HookThroughput / minimal C live-frames loop = {1:N3}{2}, rounds {3}" -f $r.Hook, $r.Ratio, $goal, $r.RatioRange)
    }
    Write-Host ("XdpNative router -Routed: Measure-HookThroughput / C loop with header restore = {0:N3} (goal >= 0.9), rounds {1}, most lost {2:P2} (goal <= 1%)" -f $routerRow.Ratio, $routerRow.RatioRange, $routerRow.MaxLost)
    Write-Host ("restoring the headers costs the C loop {0:P1} at native XDP drop" -f ($drop | Where-Object Hook -EQ XdpNative).RestoreCost)
    $tc = ($drop | Where-Object Hook -EQ TcIngress).EbpfPsPps
    Write-Host ("native XDP : TC = {0:N2}; generic XDP : TC = {1:N2} (drop, 64-byte frames, veth)" -f (($drop | Where-Object Hook -EQ XdpNative).EbpfPsPps / $tc), (($drop | Where-Object Hook -EQ XdpGeneric).EbpfPsPps / $tc))
}
finally {
    foreach ($n in $neighbours) { & ip -n $n[0].NetNamespace neigh del $n[1].Address dev $n[0].Interface 2>$null }
    Remove-BpfTestNetwork $pair.Name, $routed.Name -Confirm:$false
    if (Test-Path $pins) { Remove-Item -Recurse -Force $pins }
}
