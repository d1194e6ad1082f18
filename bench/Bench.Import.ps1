# Import-Module cost: a fresh pwsh that imports EbpfPs and exits, against a fresh pwsh that only exits. Wall
# time is what a user waits; on a machine other work loads it swings by 2x either way, so each process also
# reports the CPU time it used (all its threads, start-up included), which that load moves less. The two kinds
# of process alternate (and swap order each round), so a load that comes and goes during the run falls on both
# alike; measured in blocks, one block could catch a busy minute and the other a quiet one.
# pwsh records the methods each start JITs (a multicore-JIT profile under $XDG_CACHE_HOME/powershell) and JITs them
# ahead on a spare core at the next start: with one shared cache, a bare start replays what the last importing
# start needed and the other way round, so either kind gains or loses 30-60 ms by which ran before it. Each kind
# has a cache of its own here (warmed by two starts), as a user who always or never imports the module has; the
# shared cache's ratio is printed beside it.
# The importing process also reports the CPU and wall time of the Import-Module line alone, read inside the
# process before and after it: that leaves out pwsh's own start, whose spread is larger than the import.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Runs = 7
)
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$dotnet = [Environment]::ProcessPath
$cpu = '[Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds'
$bareCommand = $cpu
$importCommand = "`$before = $cpu; `$clock = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; " +
    "`$wall = `$clock.Elapsed.TotalMilliseconds; `$after = $cpu; `"`$(`$after - `$before) `$wall`"; `$after"

function Invoke-Timed([string] $Command, [string] $Cache) {
    $script:printed = $null
    $saved = $env:XDG_CACHE_HOME
    $env:XDG_CACHE_HOME = $Cache
    try {
        $wall = (Measure-Command { $script:printed = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $Command }).TotalMilliseconds
    } finally { $env:XDG_CACHE_HOME = $saved }
    $lines = @($script:printed)
    [pscustomobject]@{ Wall = $wall; Cpu = [double]$lines[-1]; Inner = if ($lines.Count -gt 1) { $lines[-2] } }
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][Math]::Floor($Values.Count / 2)] }
function Get-Spread([double[]] $Values) {
    $sorted = $Values | Sort-Object
    '{0:N0} ({1:N0}-{2:N0})' -f (Get-Median $Values), $sorted[[int][Math]::Floor(($sorted.Count - 1) / 4)],
        $sorted[[int][Math]::Ceiling(3 * ($sorted.Count - 1) / 4)]
}

function Measure-Alternating([string] $BareCache, [string] $ImportCache, [int] $Runs) {
    # Two starts of each first: the file cache warms, and each cache has a profile before timing starts.
    foreach ($i in 1..2) { $null = Invoke-Timed $bareCommand $BareCache; $null = Invoke-Timed $importCommand $ImportCache }
    $bare = [Collections.Generic.List[object]]::new(); $import = [Collections.Generic.List[object]]::new()
    foreach ($i in 1..$Runs) {
        if ($i % 2) { $bare.Add((Invoke-Timed $bareCommand $BareCache)); $import.Add((Invoke-Timed $importCommand $ImportCache)) }
        else { $import.Add((Invoke-Timed $importCommand $ImportCache)); $bare.Add((Invoke-Timed $bareCommand $BareCache)) }
    }
    [pscustomobject]@{ Bare = $bare; Import = $import }
}

$caches = Join-Path $WorkDirectory 'pwsh-caches'
$own = Measure-Alternating "$caches/bare" "$caches/import" $Runs
$bare = $own.Bare; $import = $own.Import
$shared = Measure-Alternating "$caches/shared" "$caches/shared" $Runs
$sharedRatio = (Get-Median $shared.Import.Wall) / (Get-Median $shared.Bare.Wall)
$bareWall = Get-Median $bare.Wall; $importWall = Get-Median $import.Wall
$bareCpu = Get-Median $bare.Cpu; $importCpu = Get-Median $import.Cpu
$lineCpu = [double[]]@($import.Inner | ForEach-Object { [double]($_ -split ' ')[0] })
$lineWall = [double[]]@($import.Inner | ForEach-Object { [double]($_ -split ' ')[1] })

[pscustomobject]@{
    BarePwshMs        = [Math]::Round($bareWall, 1)
    PwshWithImportMs  = [Math]::Round($importWall, 1)
    ImportOnlyMs      = [Math]::Round($importWall - $bareWall, 1)
    Ratio             = [Math]::Round($importWall / $bareWall, 3)
    BareCpuMs         = '{0:N0} ({1:N0}-{2:N0})' -f $bareCpu, ($bare.Cpu | Measure-Object -Minimum).Minimum, ($bare.Cpu | Measure-Object -Maximum).Maximum
    WithImportCpuMs   = '{0:N0} ({1:N0}-{2:N0})' -f $importCpu, ($import.Cpu | Measure-Object -Minimum).Minimum, ($import.Cpu | Measure-Object -Maximum).Maximum
    CpuRatio          = [Math]::Round($importCpu / $bareCpu, 3)
    SharedCacheRatio  = [Math]::Round($sharedRatio, 3)
    ImportLineCpuMs   = Get-Spread $lineCpu
    ImportLineWallMs  = Get-Spread $lineWall
} | Format-List | Out-Host
Write-Host ("Import-Module EbpfPs: {0:N3}x a bare 'pwsh -c exit' in wall time, {1:N3}x in CPU time (medians of {2} runs each, alternating, a pwsh cache per kind; {5:N3}x with one cache shared); the Import-Module line alone: {3} ms CPU, {4} ms wall (median, quartiles)" -f ($importWall / $bareWall), ($importCpu / $bareCpu), $Runs, (Get-Spread $lineCpu), (Get-Spread $lineWall), $sharedRatio)
Remove-Item -Recurse -Force $caches -ErrorAction SilentlyContinue
