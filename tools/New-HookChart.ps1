# Draws packets per second by hook and packet size as a self-contained SVG: one panel per program,
# one group of bars per packet size, one bar per hook. No libraries, so it opens in any browser.
param(
    [Parameter(Mandatory)][object[]] $Results,
    [Parameter(Mandatory)][string] $Path,
    [string] $Title = 'Packets per second by hook and packet size'
)
$colors = @{ XdpNative = '#1b9e77'; XdpGeneric = '#d95f02'; TcIngress = '#7570b3'; Tcx = '#e7298a' }
$programs = @($Results | ForEach-Object Program | Select-Object -Unique)
$hooks = @($Results | ForEach-Object { "$($_.Hook)" } | Select-Object -Unique)
$sizes = @($Results | ForEach-Object PacketSize | Sort-Object -Unique)
$panelW = 520; $panelH = 320; $left = 70; $top = 80; $bottom = 50
$width = $left + $programs.Count * ($panelW + 40); $height = $top + $panelH + $bottom + 40
$sb = [System.Text.StringBuilder]::new()
$null = $sb.AppendLine("<svg xmlns='http://www.w3.org/2000/svg' width='$width' height='$height' font-family='sans-serif' font-size='12'>")
$null = $sb.AppendLine("<rect width='100%' height='100%' fill='white'/>")
$null = $sb.AppendLine("<text x='$left' y='24' font-size='16' font-weight='bold'>$([System.Security.SecurityElement]::Escape($Title))</text>")
$legendX = $left
foreach ($h in $hooks) {
    $null = $sb.AppendLine("<rect x='$legendX' y='34' width='12' height='12' fill='$($colors[$h])'/><text x='$($legendX + 16)' y='45'>$h</text>")
    $legendX += 110
}
$p = 0
foreach ($program in $programs) {
    $x0 = $left + $p * ($panelW + 40); $p++
    $rows = @($Results | Where-Object Program -EQ $program)
    $max = ($rows | Measure-Object PacketsPerSecond -Maximum).Maximum
    if (-not $max) { $max = 1 }
    $y0 = $top + $panelH
    $null = $sb.AppendLine("<text x='$($x0 + $panelW / 2)' y='$($top - 4)' text-anchor='middle' font-weight='bold'>$([System.Security.SecurityElement]::Escape($program))</text>")
    $null = $sb.AppendLine("<line x1='$x0' y1='$top' x2='$x0' y2='$y0' stroke='black'/><line x1='$x0' y1='$y0' x2='$($x0 + $panelW)' y2='$y0' stroke='black'/>")
    foreach ($i in 0..4) {
        $v = $max * $i / 4; $y = $y0 - $panelH * $i / 4
        $null = $sb.AppendLine(("<text x='{0}' y='{1}' text-anchor='end'>{2:N2}M</text><line x1='{3}' y1='{1}' x2='{4}' y2='{1}' stroke='#ddd'/>" -f ($x0 - 4), $y, ($v / 1e6), $x0, ($x0 + $panelW)))
    }
    $groupW = $panelW / [Math]::Max(1, $sizes.Count); $barW = ($groupW - 20) / [Math]::Max(1, $hooks.Count)
    for ($s = 0; $s -lt $sizes.Count; $s++) {
        $gx = $x0 + $s * $groupW + 10
        $null = $sb.AppendLine("<text x='$($gx + ($groupW - 20) / 2)' y='$($y0 + 16)' text-anchor='middle'>$($sizes[$s]) B</text>")
        for ($h = 0; $h -lt $hooks.Count; $h++) {
            $r = $rows | Where-Object { $_.PacketSize -eq $sizes[$s] -and "$($_.Hook)" -eq $hooks[$h] } | Select-Object -First 1
            if (-not $r) { continue }
            $bh = $panelH * $r.PacketsPerSecond / $max
            $null = $sb.AppendLine(("<rect x='{0:F1}' y='{1:F1}' width='{2:F1}' height='{3:F1}' fill='{4}'><title>{5} {6} B: {7:N0} pps</title></rect>" -f ($gx + $h * $barW), ($y0 - $bh), ($barW - 2), $bh, $colors[$hooks[$h]], $hooks[$h], $sizes[$s], $r.PacketsPerSecond))
        }
    }
    $null = $sb.AppendLine("<text x='$($x0 + $panelW / 2)' y='$($y0 + 36)' text-anchor='middle'>packet size (bytes on the wire)</text>")
}
$null = $sb.AppendLine('</svg>')
Set-Content -Path $Path -Value $sb.ToString() -Encoding utf8
