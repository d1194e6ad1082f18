# Import-Module cost: a fresh pwsh that imports EbpfPs and exits, against a fresh pwsh that only exits. Wall
# time is what a user waits; on a machine other work loads it swings by 2x either way, so each process also
# reports the CPU time it used (all its threads, start-up included), which that load moves less. The two kinds
# of process alternate (and swap order each round), so a load that comes and goes during the run falls on both
# alike; measured in blocks, one block could catch a busy minute and the other a quiet one.
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

function Invoke-Timed([string] $Command) {
    $script:printed = $null
    $wall = (Measure-Command { $script:printed = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $Command }).TotalMilliseconds
    $lines = @($script:printed)
    [pscustomobject]@{ Wall = $wall; Cpu = [double]$lines[-1]; Inner = if ($lines.Count -gt 1) { $lines[-2] } }
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][Math]::Floor($Values.Count / 2)] }
function Get-Spread([double[]] $Values) {
    $sorted = $Values | Sort-Object
    '{0:N0} ({1:N0}-{2:N0})' -f (Get-Median $Values), $sorted[[int][Math]::Floor(($sorted.Count - 1) / 4)],
        $sorted[[int][Math]::Ceiling(3 * ($sorted.Count - 1) / 4)]
}

$null = Invoke-Timed $bareCommand; $null = Invoke-Timed $importCommand  # warm the file cache before timing
$bare = [Collections.Generic.List[object]]::new(); $import = [Collections.Generic.List[object]]::new()
foreach ($i in 1..$Runs) {
    if ($i % 2) { $bare.Add((Invoke-Timed $bareCommand)); $import.Add((Invoke-Timed $importCommand)) }
    else { $import.Add((Invoke-Timed $importCommand)); $bare.Add((Invoke-Timed $bareCommand)) }
}
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
    ImportLineCpuMs   = Get-Spread $lineCpu
    ImportLineWallMs  = Get-Spread $lineWall
} | Format-List | Out-Host
Write-Host ("Import-Module EbpfPs: {0:N3}x a bare 'pwsh -c exit' in wall time, {1:N3}x in CPU time (medians of {2} runs each, alternating); the Import-Module line alone: {3} ms CPU, {4} ms wall (median, quartiles)" -f ($importWall / $bareWall), ($importCpu / $bareCpu), $Runs, (Get-Spread $lineCpu), (Get-Spread $lineWall))
