# Measure-HookThroughput against the same live-frames loop written in C, back to back on the same
# network, hook, program and frame. Both are counted the same way: the receiver's rx packets.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [double] $Seconds = 1,
    [int] $Rounds = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$loop = Join-Path $WorkDirectory 'live_frames'
& gcc -O2 -o $loop (Join-Path $PSScriptRoot 'live_frames.c') -lbpf
if ($LASTEXITCODE -ne 0) { throw 'gcc failed for bench/live_frames.c' }
$gen = Join-Path (Split-Path $ModulePath) 'bpf/xdp_gen.o'

function Get-Rx($i) { [uint64](& ip -n $i.NetNamespace -s -j link show dev $i.Interface | ConvertFrom-Json)[0].stats64.rx.packets }

$net = New-BpfTestNetwork
try {
    $a = $net['A']; $b = $net['B']
    # The frame Measure-HookThroughput sends: 64 bytes on the wire, UDP from A to B.
    $frame = Join-Path $WorkDirectory 'frame64.bin'
    $spec = [EbpfPs.Engine.Packets.PacketSpec]@{
        SourceMac = [System.Net.NetworkInformation.PhysicalAddress]::Parse($a.Mac.Replace(':', '-').ToUpperInvariant())
        DestinationMac = [System.Net.NetworkInformation.PhysicalAddress]::Parse($b.Mac.Replace(':', '-').ToUpperInvariant())
        Source = [ipaddress]$a.Address; Destination = [ipaddress]$b.Address; FrameLength = 60
    }
    [IO.File]::WriteAllBytes($frame, [EbpfPs.Engine.Packets.PacketBuilder]::Build($spec))

    $rows = foreach ($hook in 'XdpNative', 'XdpGeneric', 'TcIngress') {
        $ours = [System.Collections.Generic.List[double]]::new(); $theirs = [System.Collections.Generic.List[double]]::new()
        for ($round = 0; $round -lt $Rounds; $round++) {
            # C: attach the same program at the same hook, run the loop, count at the receiver.
            switch ($hook) {
                'XdpNative' { Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop -Mode Native }
                'XdpGeneric' { Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop -Mode Generic }
                'TcIngress' { Add-TcProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Program drop }
            }
            try {
                $rx0 = Get-Rx $b
                $out = & $loop $a.NetNamespace $a.Interface $gen $frame $Seconds
                if ($LASTEXITCODE -ne 0) { throw "live_frames failed: $out" }
                Start-Sleep -Milliseconds 30
                $rx1 = Get-Rx $b
                $theirs.Add(($rx1 - $rx0) / [double](($out -split ' ')[1]))
            }
            finally {
                Get-XdpProgram -NetNamespace $b.NetNamespace | Remove-XdpProgram -Confirm:$false
                Get-TcProgram -NetNamespace $b.NetNamespace | Remove-TcProgram -Confirm:$false
            }
            $ours.Add((Measure-HookThroughput -Program drop -Hook $hook -Network $net -Duration $Seconds).PacketsPerSecond)
        }
        $o = ($ours | Sort-Object)[[int]($Rounds / 2)]; $c = ($theirs | Sort-Object)[[int]($Rounds / 2)]
        [pscustomobject]@{ Hook = $hook; EbpfPsPps = [Math]::Round($o); CLoopPps = [Math]::Round($c); Ratio = [Math]::Round($o / $c, 3) }
    }
    $rows | Format-Table -AutoSize | Out-Host
    foreach ($r in $rows) { Write-Host ("{0}: Measure-HookThroughput / C live-frames loop = {1:N3} (goal >= 0.95)" -f $r.Hook, $r.Ratio) }
    $tc = ($rows | Where-Object Hook -EQ TcIngress).EbpfPsPps
    Write-Host ("native XDP : TC = {0:N2}; generic XDP : TC = {1:N2} (drop, 64-byte frames, veth)" -f (($rows | Where-Object Hook -EQ XdpNative).EbpfPsPps / $tc), (($rows | Where-Object Hook -EQ XdpGeneric).EbpfPsPps / $tc))
}
finally {
    Remove-BpfTestNetwork $net.Name -Confirm:$false
}
