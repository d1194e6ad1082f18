# Import-Module cost: a fresh pwsh that imports EbpfPs and exits, against a fresh pwsh that only exits. Wall
# time is what a user waits; on a machine other work loads it swings by 2x either way, so each process also
# reports the CPU time it used (all its threads, start-up included), which that load hardly moves.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Runs = 7
)
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$dotnet = [Environment]::ProcessPath
$cpu = '[Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds'

function Measure-Median([string] $Command, [int] $Count) {
    $null = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $Command  # warm the file cache before timing
    $wall = [Collections.Generic.List[double]]::new(); $used = [Collections.Generic.List[double]]::new()
    foreach ($i in 1..$Count) {
        $printed = $null
        $wall.Add((Measure-Command { $script:printed = & $dotnet $pwshDll -NoProfile -NonInteractive -Command $Command }).TotalMilliseconds)
        $used.Add([double]($script:printed | Select-Object -Last 1))
    }
    $mid = [int][Math]::Floor($Count / 2)
    [pscustomobject]@{ Wall = ($wall | Sort-Object)[$mid]; Cpu = ($used | Sort-Object)[$mid]
        CpuMin = ($used | Measure-Object -Minimum).Minimum; CpuMax = ($used | Measure-Object -Maximum).Maximum }
}

$bare = Measure-Median $cpu $Runs
$import = Measure-Median "Import-Module '$ModulePath'; $cpu" $Runs

[pscustomobject]@{
    BarePwshMs        = [Math]::Round($bare.Wall, 1)
    PwshWithImportMs  = [Math]::Round($import.Wall, 1)
    ImportOnlyMs      = [Math]::Round($import.Wall - $bare.Wall, 1)
    Ratio             = [Math]::Round($import.Wall / $bare.Wall, 3)
    BareCpuMs         = '{0:N0} ({1:N0}-{2:N0})' -f $bare.Cpu, $bare.CpuMin, $bare.CpuMax
    WithImportCpuMs   = '{0:N0} ({1:N0}-{2:N0})' -f $import.Cpu, $import.CpuMin, $import.CpuMax
    CpuRatio          = [Math]::Round($import.Cpu / $bare.Cpu, 3)
} | Format-List | Out-Host
Write-Host ("Import-Module EbpfPs: {0:N3}x a bare 'pwsh -c exit' in wall time, {1:N3}x in CPU time (medians of {2} runs each, same run)" -f ($import.Wall / $bare.Wall), ($import.Cpu / $bare.Cpu), $Runs)
