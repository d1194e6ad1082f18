# Reading a 1,000,000-entry per-CPU hash (key: two __be32; value: two __u64), all in one run:
# bpftool -j map dump, Get-BpfMapEntry | Measure-Object, the same with -Raw (per entry) and -AsBatch
# (the raw output per batch syscall), and a C batch-lookup loop.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Entries = 1000000
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$tool = Join-Path $WorkDirectory 'map_batch'
& gcc -O2 -o $tool (Join-Path $PSScriptRoot 'map_batch.c') -lbpf
if ($LASTEXITCODE -ne 0) { throw 'gcc failed for bench/map_batch.c' }
$obj = Join-Path $WorkDirectory 'bench_flows.o'
& clang -O2 -g -target bpf -I "/usr/include/$(uname -m)-linux-gnu" -c (Join-Path $PSScriptRoot 'bench_flows.c') -o $obj
if ($LASTEXITCODE -ne 0) { throw 'clang failed for bench/bench_flows.c' }

$loaded = Import-BpfObject -LiteralPath $obj
try {
    $id = ($loaded.Maps | Where-Object Name -EQ bench_flows).Id
    & $tool fill $id $Entries
    if ($LASTEXITCODE -ne 0) { throw 'filling the map failed' }
    $pwsh = "$([Environment]::ProcessPath) $PSHOME/pwsh.dll"

    function Measure-Child([string] $Command) {
        # A fresh process each, so peak memory belongs to that reader alone (GNU time's %M, in KiB).
        $out = & /usr/bin/time -f '%e %M' bash -c $Command 2>&1
        $last = ($out | Select-Object -Last 1) -split ' '
        [pscustomobject]@{ Seconds = [double]$last[0]; PeakMiB = [Math]::Round([double]$last[1] / 1024, 1); Output = ($out | Select-Object -SkipLast 1) -join "`n" }
    }

    $bpftool = Measure-Child "bpftool -j map dump id $id > /dev/null"
    # Where the end-to-end time goes: a bare pwsh, pwsh plus Import-Module, and the first entry out of the map.
    $bare = Measure-Child "$pwsh -NoProfile -Command exit"
    $import = Measure-Child "$pwsh -NoProfile -Command `"Import-Module '$ModulePath'`""
    $first = Measure-Child "$pwsh -NoProfile -Command `"Import-Module '$ModulePath'; `$null = Get-BpfMapEntry -Id $id | Select-Object -First 1`""
    $ours = Measure-Child "$pwsh -NoProfile -Command `"Import-Module '$ModulePath'; (Get-BpfMapEntry -Id $id | Measure-Object).Count`""
    $raw = Measure-Child "$pwsh -NoProfile -Command `"Import-Module '$ModulePath'; (Get-BpfMapEntry -Id $id -Raw | Measure-Object).Count`""
    $batch = Measure-Child "$pwsh -NoProfile -Command `"Import-Module '$ModulePath'; (Get-BpfMapEntry -Id $id -AsBatch | Measure-Object Count -Sum).Sum`""
    $c = Measure-Child "$tool read $id"
    # In-process timings without pwsh start-up, for the raw-read goal against the C loop.
    $warm = Measure-Command { $script:n = (Get-BpfMapEntry -Id $id -Raw | Measure-Object).Count }
    $warmBatch = Measure-Command { $script:nb = (Get-BpfMapEntry -Id $id -AsBatch | Measure-Object Count -Sum).Sum }
    if ($nb -ne $n) { throw "-AsBatch counted $nb entries, -Raw $n" }
    $warmDecoded = Measure-Command { $null = (Get-BpfMapEntry -Id $id | Measure-Object).Count }
    $cSeconds = [double](($c.Output -split ' ')[1])

    [pscustomobject]@{ Reader = 'bpftool -j map dump'; Seconds = $bpftool.Seconds; PeakMiB = $bpftool.PeakMiB }
    [pscustomobject]@{ Reader = 'pwsh -c exit (start-up only)'; Seconds = $bare.Seconds; PeakMiB = $bare.PeakMiB }
    [pscustomobject]@{ Reader = 'Import-Module EbpfPs (new pwsh)'; Seconds = $import.Seconds; PeakMiB = $import.PeakMiB }
    [pscustomobject]@{ Reader = 'first entry (new pwsh)'; Seconds = $first.Seconds; PeakMiB = $first.PeakMiB }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry (new pwsh)'; Seconds = $ours.Seconds; PeakMiB = $ours.PeakMiB }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry -Raw (new pwsh)'; Seconds = $raw.Seconds; PeakMiB = $raw.PeakMiB }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry -AsBatch (new pwsh)'; Seconds = $batch.Seconds; PeakMiB = $batch.PeakMiB }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry (warm session)'; Seconds = [Math]::Round($warmDecoded.TotalSeconds, 3); PeakMiB = $null }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry -Raw (warm session)'; Seconds = [Math]::Round($warm.TotalSeconds, 3); PeakMiB = $null }
    [pscustomobject]@{ Reader = 'Get-BpfMapEntry -AsBatch (warm session)'; Seconds = [Math]::Round($warmBatch.TotalSeconds, 3); PeakMiB = $null }
    [pscustomobject]@{ Reader = 'C batch loop (process)'; Seconds = $c.Seconds; PeakMiB = $c.PeakMiB }
    [pscustomobject]@{ Reader = 'C batch loop (read only)'; Seconds = $cSeconds; PeakMiB = $null }
    Write-Host ("{0:N0} entries. bpftool / Get-BpfMapEntry end to end = {1:N2}x (goal >= 3), peak {2:N1} MiB (goal < 150); -Raw end to end = {3:N2}x bpftool" -f $n, ($bpftool.Seconds / $ours.Seconds), $ours.PeakMiB, ($bpftool.Seconds / $raw.Seconds))
    Write-Host ("Of Get-BpfMapEntry's {0:N2} s: pwsh start-up {1:N2} s, Import-Module {2:N2} s, to the first entry {3:N2} s, the other entries {4:N2} s ({5:N2} us each)" -f $ours.Seconds, $bare.Seconds, ($import.Seconds - $bare.Seconds), ($first.Seconds - $import.Seconds), ($ours.Seconds - $first.Seconds), (($ours.Seconds - $first.Seconds) * 1e6 / [Math]::Max($n, 1)))
    Write-Host ("Raw read: Get-BpfMapEntry -AsBatch (warm) / C batch loop (read only) = {0:N2} (goal <= 2); -Raw per entry (warm) / C = {1:N2}; decoded (warm) / C = {2:N2}" -f ($warmBatch.TotalSeconds / $cSeconds), ($warm.TotalSeconds / $cSeconds), ($warmDecoded.TotalSeconds / $cSeconds))
}
finally {
    $loaded | Remove-BpfObject -Confirm:$false
}
