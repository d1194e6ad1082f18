# Import-Module cost: a fresh pwsh that imports EbpfPs and exits, against a fresh pwsh that only exits, and against
# one that imports the least a compiled module can be (bench/MinimalModule: one cmdlet, a manifest like ours): what
# PowerShell charges any binary module (loading and scanning the assembly, JIT of its module code, a telemetry
# metric) is the floor under EbpfPs's own share. Wall time is what a user waits; on a machine other work loads it
# swings by 2x either way, so each process also reports the CPU time it used (all its threads, start-up included),
# which that load moves less. The kinds of process take turns, each round in another order, so a load that comes
# and goes falls on all alike; measured in blocks, one block could catch a busy minute and another a quiet one.
# Order matters for a second reason: pwsh JITs ahead, on a spare core, the methods the previous start needed (a
# profile in ~/.cache/powershell), so a start after an importing one gains; the six orders give each kind every
# neighbour equally. (A cache per kind was tried: it moved the ratio either way by 0.05 from run to run.)
# The importing processes also report the CPU and wall time of the Import-Module line alone, read inside the
# process before and after it: that leaves out pwsh's own start, whose spread is larger than the import.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Runs = 12
)
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$dotnet = [Environment]::ProcessPath
$cpu = '[Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds'
function Get-ImportCommand([string] $Manifest) {
    "`$before = $cpu; `$clock = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$Manifest'; " +
        "`$wall = `$clock.Elapsed.TotalMilliseconds; `$after = $cpu; `"`$(`$after - `$before) `$wall`"; `$after"
}

# The reference module, built here, with EbpfPs's manifest but its own assembly and cmdlet.
$minimal = Join-Path $WorkDirectory 'minimal-module'
$project = Join-Path $PSScriptRoot 'MinimalModule/MinimalModule.csproj'
$built = & dotnet build $project -c Release -o $minimal --nologo -v quiet 2>&1
if ($LASTEXITCODE) { throw "bench/MinimalModule did not build: $built" }
$manifest = (Get-Content -Raw $ModulePath) -replace "RootModule(\s*)= 'EbpfPs.dll'",
    "RootModule`$1= 'MinimalModule.dll'"
$manifest = $manifest -replace '(?s)CmdletsToExport(\s*)= .*?\r?\n(\s*)FunctionsToExport',
    "CmdletsToExport`$1= 'Get-Minimal'`n`$2FunctionsToExport"
Set-Content -LiteralPath (Join-Path $minimal 'MinimalModule.psd1') -Value $manifest
$commands = [ordered]@{
    Bare = $cpu
    Minimal = Get-ImportCommand (Join-Path $minimal 'MinimalModule.psd1')
    EbpfPs = Get-ImportCommand $ModulePath
}

function Invoke-Timed([string] $Command) {
    $script:printed = $null
    $run = { $script:printed = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $Command }
    $wall = (Measure-Command $run).TotalMilliseconds
    $lines = @($script:printed)
    [pscustomobject]@{ Wall = $wall; Cpu = [double]$lines[-1]; Inner = if ($lines.Count -gt 1) { $lines[-2] } }
}

function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][Math]::Floor($Values.Count / 2)] }
function Get-Spread([double[]] $Values) {
    $sorted = $Values | Sort-Object
    '{0:N0} ({1:N0}-{2:N0})' -f (Get-Median $Values), $sorted[[int][Math]::Floor(($sorted.Count - 1) / 4)],
        $sorted[[int][Math]::Ceiling(3 * ($sorted.Count - 1) / 4)]
}

foreach ($kind in $commands.Keys) { $null = Invoke-Timed $commands[$kind] }  # warm the file cache before timing
$timed = @{}; foreach ($kind in $commands.Keys) { $timed[$kind] = [Collections.Generic.List[object]]::new() }
$orders = @('Bare', 'Minimal', 'EbpfPs'), @('EbpfPs', 'Bare', 'Minimal'), @('Minimal', 'EbpfPs', 'Bare'),
    @('Bare', 'EbpfPs', 'Minimal'), @('Minimal', 'Bare', 'EbpfPs'), @('EbpfPs', 'Minimal', 'Bare')
foreach ($i in 0..($Runs - 1)) {
    foreach ($kind in $orders[$i % $orders.Count]) { $timed[$kind].Add((Invoke-Timed $commands[$kind])) }
}
$wall = @{}; $cpuMs = @{}
foreach ($kind in $commands.Keys) {
    $wall[$kind] = Get-Median $timed[$kind].Wall
    $cpuMs[$kind] = Get-Median $timed[$kind].Cpu
}
function Get-Line([string] $Kind, [int] $Field) {
    [double[]]@($timed[$Kind].Inner | ForEach-Object { [double]($_ -split ' ')[$Field] })
}
function Get-CpuSpread([string] $Kind) {
    '{0:N0} ({1:N0}-{2:N0})' -f $cpuMs[$Kind], ($timed[$Kind].Cpu | Measure-Object -Minimum).Minimum,
        ($timed[$Kind].Cpu | Measure-Object -Maximum).Maximum
}

[pscustomobject]@{
    BarePwshMs          = [Math]::Round($wall.Bare, 1)
    PwshWithMinimalMs   = [Math]::Round($wall.Minimal, 1)
    PwshWithEbpfPsMs    = [Math]::Round($wall.EbpfPs, 1)
    Ratio               = [Math]::Round($wall.EbpfPs / $wall.Bare, 3)
    MinimalRatio        = [Math]::Round($wall.Minimal / $wall.Bare, 3)
    EbpfPsOverMinimal   = [Math]::Round($wall.EbpfPs / $wall.Minimal, 3)
    BareCpuMs           = Get-CpuSpread Bare
    WithMinimalCpuMs    = Get-CpuSpread Minimal
    WithEbpfPsCpuMs     = Get-CpuSpread EbpfPs
    CpuRatio            = [Math]::Round($cpuMs.EbpfPs / $cpuMs.Bare, 3)
    MinimalLineWallMs   = Get-Spread (Get-Line Minimal 1)
    ImportLineCpuMs     = Get-Spread (Get-Line EbpfPs 0)
    ImportLineWallMs    = Get-Spread (Get-Line EbpfPs 1)
} | Format-List | Out-Host
Write-Host (("Import-Module EbpfPs: {0:N3}x a bare 'pwsh -c exit' in wall time, {1:N3}x in CPU time (medians of {2} " +
    "runs each, taking turns); a one-cmdlet binary module: {3:N3}x, so EbpfPs / that module = {4:N3}; the " +
    "Import-Module line alone: {5} ms CPU, {6} ms wall, the one-cmdlet module's {7} ms wall (median, quartiles)") -f
    ($wall.EbpfPs / $wall.Bare), ($cpuMs.EbpfPs / $cpuMs.Bare), $Runs, ($wall.Minimal / $wall.Bare),
    ($wall.EbpfPs / $wall.Minimal), (Get-Spread (Get-Line EbpfPs 0)), (Get-Spread (Get-Line EbpfPs 1)),
    (Get-Spread (Get-Line Minimal 1)))
