# Reading a desired-state file: Test-BpfState on a valid file of N map entries and of 2N (the ratio shows the
# read is linear: about 2), against the PowerShell parser alone on the same files, in the same run; and the
# time to refuse a depth-30 file and a 1 MB one (issue 21 item 2: depth 22 took 25 s before). Times are the
# median CPU time of this process over -Runs reads.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Entries = 3000,
    [int] $Runs = 9
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$dir = Join-Path $WorkDirectory "statefile-$PID"
$null = New-Item -ItemType Directory -Force $dir
# A map path nothing pins: the whole file is read and checked, then the run stops at StateMapNotFound before
# it looks at anything else in the kernel, so the time is the read's.
$missing = "/sys/fs/bpf/ebpfps-bench-statefile-$PID"

function New-StateFileOf([int] $Count, [string] $Name) {
    $items = foreach ($i in 1..$Count) {
        "        @{ Key = '198.$(18 + ($i -shr 16) % 2).$(($i -shr 8) % 256).$($i % 256)'; Value = @{ packets = $i; bytes = $($i * 64) } }"
    }
    $path = Join-Path $dir $Name
    Set-Content -LiteralPath $path -Value "@{`n    Maps = @(`n      @{ Path = '$missing'`n       Entries = @(`n$($items -join "`n")`n       ) }`n    )`n}"
    $path
}

function Measure-Median([scriptblock] $Run) {
    # The process's CPU time, not the clock's: on a shared machine other work stretches wall time, not this.
    1..3 | ForEach-Object { & $Run }  # warm up, the JIT included
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $times = foreach ($i in 1..$Runs) {
        $self.Refresh(); $before = $self.TotalProcessorTime
        & $Run
        $self.Refresh(); ($self.TotalProcessorTime - $before).TotalMilliseconds
    }
    ($times | Sort-Object)[[int][Math]::Floor($Runs / 2)]
}

function Measure-Read([string] $Path) {
    Measure-Median {
        try { Test-BpfState -LiteralPath $Path -ErrorAction Stop | Out-Null; throw "$Path was not refused" }
        catch [System.Management.Automation.ActionPreferenceStopException], [System.Exception] {
            if ("$_" -like '*was not refused') { throw }
            $script:lastError = $_.FullyQualifiedErrorId
        }
    }
}

function Measure-Parse([string] $Path) {
    Measure-Median { $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$null, [ref]$null) }
}

try {
    # One entry: what a run costs besides reading (the module's checks, the planner's first look at the kernel).
    $sizes = 1, $Entries, (2 * $Entries)
    $files = @{}
    foreach ($n in $sizes) { $files[$n] = New-StateFileOf $n "n$n.psd1" }
    # Every file is read a few times before any is timed: the JIT's second tier and the GC's heap sizing then
    # favour none of them (timed in order, the first large file paid for both).
    foreach ($round in 1..3) { foreach ($n in $sizes) { $null = Measure-Read $files[$n] } }
    $rows = foreach ($n in $sizes) {
        $path = $files[$n]
        $read = Measure-Read $path
        if ($script:lastError -notlike 'StateMapNotFound,*') { throw "reading $path ended with $script:lastError" }
        [pscustomobject]@{
            Entries = $n; KiB = [Math]::Round((Get-Item $path).Length / 1KB); TestBpfStateCpuMs = [Math]::Round($read, 1)
            ParserOnlyCpuMs = [Math]::Round((Measure-Parse $path), 1)
        }
    }
    $rows | Format-Table -AutoSize | Out-Host
    $fixed = $rows[0].TestBpfStateCpuMs
    Write-Host (("Test-BpfState reading {0:N0} map entries / {1:N0}: {2:N2} (less the one-entry run: {3:N2}; " +
        "linear is about 2); the parser alone: {4:N2}") -f (2 * $Entries), $Entries,
        ($rows[2].TestBpfStateCpuMs / $rows[1].TestBpfStateCpuMs),
        (($rows[2].TestBpfStateCpuMs - $fixed) / ($rows[1].TestBpfStateCpuMs - $fixed)),
        ($rows[2].ParserOnlyCpuMs / $rows[1].ParserOnlyCpuMs))
    Write-Host ("Test-BpfState / the parser alone, {0:N0} entries: {1:N2}" -f (2 * $Entries),
        ($rows[2].TestBpfStateCpuMs / $rows[2].ParserOnlyCpuMs))

    $deep = Join-Path $dir 'deep30.psd1'
    Set-Content -LiteralPath $deep ("@{ Maps = @(@{ Path = '$missing'; Entries = @(@{ Key = 1; Value = " +
        ('@{a=' * 30) + '1' + ('}' * 30) + ' }) }) }')
    $big = New-StateFileOf 14000 'big.psd1'
    foreach ($case in @(@{ Name = 'depth 30'; Path = $deep; Id = 'StateFileTooDeep' },
                        @{ Name = "$([Math]::Round((Get-Item $big).Length / 1MB, 2)) MB"; Path = $big; Id = 'StateFileTooLarge' })) {
        $ms = Measure-Read $case.Path
        if ($script:lastError -notlike "$($case.Id),*") { throw "$($case.Name) ended with $script:lastError" }
        Write-Host ("Test-BpfState refuses a {0} state file ({1}) in {2:N1} ms of CPU" -f $case.Name, $case.Id, $ms)
    }
}
finally {
    Remove-Item -Recurse -Force -LiteralPath $dir -ErrorAction SilentlyContinue
}
