# Draws Measure-HookThroughput results as a self-contained SVG: one panel per program and traffic, one group
# of bars per packet size, one bar per hook, a min-max bar over the samples on each. Live frames are drawn in
# Mpps, iperf3 traffic (TCP, UDP) in Gbit/s. No libraries, so it opens in any browser.
param(
    [Parameter(Mandatory)][object[]] $Results,
    [Parameter(Mandatory)][string] $Path,
    [string] $Title = 'Throughput by hook and packet size'
)
$colors = @{ XdpNative = '#1b9e77'; XdpGeneric = '#d95f02'; TcIngress = '#7570b3'; Tcx = '#e7298a'; Stack = '#888888' }
$panels = @($Results | ForEach-Object { "$($_.Program)|$($_.Traffic)" } | Select-Object -Unique)
$hooks = @($Results | ForEach-Object { "$($_.Hook)" } | Select-Object -Unique)
$panelW = 460; $panelH = 300; $left = 70; $top = 80; $bottom = 50; $gap = 70
$width = $left + $panels.Count * ($panelW + $gap); $height = $top + $panelH + $bottom + 40
function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }

function Get-NiceStep([double] $max, [int] $ticks = 5) {
    # A round step (1, 2, 2.5 or 5 times a power of ten) giving about $ticks intervals up to $max.
    $raw = $max / $ticks
    $power = [Math]::Pow(10, [Math]::Floor([Math]::Log10($raw)))
    foreach ($m in 1, 2, 2.5, 5, 10) { if ($m * $power -ge $raw) { return $m * $power } }
}

$sb = [System.Text.StringBuilder]::new()
$null = $sb.AppendLine("<svg xmlns='http://www.w3.org/2000/svg' width='$width' height='$height' font-family='sans-serif' font-size='12'>")
$null = $sb.AppendLine("<rect width='100%' height='100%' fill='white'/>")
$null = $sb.AppendLine("<text x='$left' y='24' font-size='16' font-weight='bold'>$(Esc $Title)</text>")
$legendX = $left
foreach ($h in $hooks) {
    $label = if ($h -eq 'Stack') { 'Stack (no program)' } else { $h }
    $null = $sb.AppendLine("<rect x='$legendX' y='34' width='12' height='12' fill='$($colors[$h])'/><text x='$($legendX + 16)' y='45'>$label</text>")
    $legendX += 140
}
$p = 0
foreach ($panel in $panels) {
    $program, $traffic = $panel -split '\|'
    $x0 = $left + $p * ($panelW + $gap); $p++
    $rows = @($Results | Where-Object { $_.Program -eq $program -and "$($_.Traffic)" -eq $traffic })
    $live = $traffic -in '', 'LiveFrames'
    # Live frames in Mpps (packets), iperf3 traffic in Gbit/s (its own rate).
    $value = if ($live) { { param($r) $r.PacketsPerSecond / 1e6 } } else { { param($r) $r.BitsPerSecond / 1e9 } }
    $range = if ($live) { { param($r) @(($r.SamplePacketsPerSecond | ForEach-Object { $_ / 1e6 }) + (& $value $r)) } } else { { param($r) @(($r.SampleBitsPerSecond | ForEach-Object { $_ / 1e9 }) + (& $value $r)) } }
    $unit = if ($live) { 'Mpps' } else { 'Gbit/s' }
    $max = ($rows | ForEach-Object { & $range $_ } | Measure-Object -Maximum).Maximum
    if (-not $max -or $max -le 0) { $max = 1 }
    $step = Get-NiceStep $max
    $top_ = [Math]::Ceiling($max / $step) * $step
    $y0 = $top + $panelH
    $name = if ($live) { "$program (live frames)" } else { "$program ($($traffic.ToUpperInvariant()), iperf3)" }
    $null = $sb.AppendLine("<text x='$($x0 + $panelW / 2)' y='$($top - 8)' text-anchor='middle' font-weight='bold'>$(Esc $name)</text>")
    $null = $sb.AppendLine("<text x='$($x0 - 50)' y='$($top + $panelH / 2)' transform='rotate(-90 $($x0 - 50) $($top + $panelH / 2))' text-anchor='middle'>$unit</text>")
    for ($v = 0.0; $v -le $top_ + $step / 1000; $v += $step) {
        $y = $y0 - $panelH * $v / $top_
        $null = $sb.AppendLine(("<text x='{0}' y='{1:F1}' text-anchor='end'>{2:G4}</text><line x1='{3}' y1='{5:F1}' x2='{4}' y2='{5:F1}' stroke='#ddd'/>" -f ($x0 - 4), ($y + 4), $v, $x0, ($x0 + $panelW), $y))
    }
    $null = $sb.AppendLine("<line x1='$x0' y1='$top' x2='$x0' y2='$y0' stroke='black'/><line x1='$x0' y1='$y0' x2='$($x0 + $panelW)' y2='$y0' stroke='black'/>")
    $sizes = @($rows | ForEach-Object PacketSize | Sort-Object -Unique)
    $panelHooks = @($hooks | Where-Object { $h = $_; $rows | Where-Object { "$($_.Hook)" -eq $h } })
    $groupW = $panelW / [Math]::Max(1, $sizes.Count); $barW = ($groupW - 20) / [Math]::Max(1, $panelHooks.Count)
    for ($s = 0; $s -lt $sizes.Count; $s++) {
        $gx = $x0 + $s * $groupW + 10
        $label = if ($live) { "$($sizes[$s]) B" } else { "$($sizes[$s]) B frames" }
        $null = $sb.AppendLine("<text x='$($gx + ($groupW - 20) / 2)' y='$($y0 + 16)' text-anchor='middle'>$label</text>")
        for ($h = 0; $h -lt $panelHooks.Count; $h++) {
            $r = $rows | Where-Object { $_.PacketSize -eq $sizes[$s] -and "$($_.Hook)" -eq $panelHooks[$h] } | Select-Object -First 1
            if (-not $r) { continue }
            $v = & $value $r
            $bh = $panelH * $v / $top_; $bx = $gx + $h * $barW
            $null = $sb.AppendLine(("<rect x='{0:F1}' y='{1:F1}' width='{2:F1}' height='{3:F1}' fill='{4}'><title>{5} {6} B: {7:N3} {8}</title></rect>" -f $bx, ($y0 - $bh), ($barW - 2), $bh, $colors[$panelHooks[$h]], $panelHooks[$h], $sizes[$s], $v, $unit))
            # The spread of the samples: a whisker from the slowest to the fastest.
            $span = & $range $r | Measure-Object -Minimum -Maximum
            if ($span.Count -gt 1 -and $span.Maximum -gt $span.Minimum) {
                $cx = $bx + ($barW - 2) / 2; $yMin = $y0 - $panelH * $span.Minimum / $top_; $yMax = $y0 - $panelH * $span.Maximum / $top_
                $null = $sb.AppendLine(("<path d='M{0:F1},{1:F1} V{2:F1} M{3:F1},{1:F1} H{4:F1} M{3:F1},{2:F1} H{4:F1}' stroke='black' fill='none'><title>min {5:N3}, max {6:N3} {7}</title></path>" -f $cx, $yMin, $yMax, ($cx - 4), ($cx + 4), $span.Minimum, $span.Maximum, $unit))
            }
        }
    }
    $axis = if ($live) { 'packet size (bytes on the wire)' } else { 'iperf3 from client A to client B' }
    $null = $sb.AppendLine("<text x='$($x0 + $panelW / 2)' y='$($y0 + 36)' text-anchor='middle'>$axis</text>")
}
$null = $sb.AppendLine('</svg>')
Set-Content -Path $Path -Value $sb.ToString() -Encoding utf8
