# Top talkers of a 1,000,000-flow map (key: a 5-tuple; value: packets and bytes), as a hash and per CPU, against
# bpftool's dump of the same map in the same run: Get-BpfMapEntry -Top 10 -SortBy bytes and a warm full decoded
# read (goal: both at least 10x faster than the dump); and the interval Watch-BpfMap -Top 20 -Interval 1 keeps
# over a 100,000-key per-CPU hash (goal: 1 s). Each timing is taken -Repeat times; the median is used, the range
# shown. The full read is timed into Measure-Object (as Bench.Maps does) and into Out-Null, beside
# what PowerShell's pipeline alone costs for as many objects (a cmdlet that writes one object N times).
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Flows = 1000000,
    [int] $WatchKeys = 100000,
    [int] $Repeat = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$fill = Join-Path $WorkDirectory 'top_fill'
& gcc -O2 -o $fill (Join-Path $PSScriptRoot 'top_fill.c') -lbpf
if ($LASTEXITCODE -ne 0) { throw 'gcc failed for bench/top_fill.c' }
$obj = Join-Path $WorkDirectory 'bench_top.o'
& clang -O2 -g -target bpf -I "/usr/include/$(uname -m)-linux-gnu" -c (Join-Path $PSScriptRoot 'bench_top.c') -o $obj
if ($LASTEXITCODE -ne 0) { throw 'clang failed for bench/bench_top.c' }
if (-not ('EbpfPsBench.WriteSameCommand' -as [type])) {
    $null = Add-Type -PassThru -TypeDefinition @'
namespace EbpfPsBench {
    [System.Management.Automation.Cmdlet("Write", "Same")]
    public sealed class WriteSameCommand : System.Management.Automation.PSCmdlet {
        private static readonly object One = new object();
        [System.Management.Automation.Parameter] public int Count { get; set; }
        protected override void ProcessRecord() { for (int i = 0; i < Count; i++) WriteObject(One); }
    }
}
'@
}
Import-Module ([EbpfPsBench.WriteSameCommand].Assembly)

function Measure-Repeated([scriptblock] $Action) {
    $times = @(1..$Repeat | ForEach-Object { (Measure-Command $Action).TotalSeconds } | Sort-Object)
    [pscustomobject]@{ Median = $times[[int][Math]::Floor($times.Count / 2)]; Min = $times[0]; Max = $times[-1] }
}
function Format-Timing($t) { '{0:N3} s (range {1:N3}-{2:N3})' -f $t.Median, $t.Min, $t.Max }

function Measure-TopTalkers([uint32] $Id, [string] $Label) {
    $dump = Measure-Repeated { & bash -c "bpftool -j map dump id $Id > /dev/null" }
    # Warm: the codecs are built and the JIT has run once before anything is timed.
    $first = @(Get-BpfMapEntry -Id $Id -Top 10 -SortBy bytes)
    $null = (Get-BpfMapEntry -Id $Id | Measure-Object).Count
    $top = Measure-Repeated { $null = Get-BpfMapEntry -Id $Id -Top 10 -SortBy bytes }
    $full = Measure-Repeated { $script:count = (Get-BpfMapEntry -Id $Id | Measure-Object).Count }
    if ($count -ne $Flows) { throw "the full read counted $count flows, not $Flows" }
    $discarded = Measure-Repeated { Get-BpfMapEntry -Id $Id | Out-Null }
    # The winner has the largest bytes (summed over CPUs): checked against -AsBatch's bytes.
    $max = [decimal]0
    foreach ($b in Get-BpfMapEntry -Id $Id -AsBatch) {
        $stride = $b.ValueSize / $b.Cpus
        for ($i = 0; $i -lt $b.Count; $i++) {
            [decimal] $v = 0
            for ($c = 0; $c -lt $b.Cpus; $c++) { $v += [BitConverter]::ToUInt64($b.Values, $i * $b.ValueSize + $c * $stride + 8) }
            if ($v -gt $max) { $max = $v }
        }
    }
    if ($first[0].Value.bytes -ne $max) { throw "-Top 10 ranked $($first[0].Value.bytes) first; the largest is $max" }
    [pscustomobject]@{ Map = $Label; Reader = 'bpftool -j map dump'; Time = Format-Timing $dump }
    [pscustomobject]@{ Map = $Label; Reader = 'Get-BpfMapEntry -Top 10 -SortBy bytes'; Time = Format-Timing $top }
    [pscustomobject]@{ Map = $Label; Reader = 'Get-BpfMapEntry | Measure-Object'; Time = Format-Timing $full }
    [pscustomobject]@{ Map = $Label; Reader = 'Get-BpfMapEntry | Out-Null'; Time = Format-Timing $discarded }
    Write-Host ('{0} of {1:N0} flows: bpftool dump / -Top 10 -SortBy bytes = {2:N1}x (goal >= 10); bpftool dump / warm full decoded read = {3:N1}x into Measure-Object, {4:N1}x into Out-Null (goal >= 10)' -f $Label, $Flows, ($dump.Median / $top.Median), ($dump.Median / $full.Median), ($dump.Median / $discarded.Median))
}

$loaded = Import-BpfObject -LiteralPath $obj
try {
    $maps = @{}
    foreach ($name in 'top_flows', 'top_pcpu_flows', 'top_watch') { $maps[$name] = ($loaded.Maps | Where-Object Name -EQ $name).Id }
    foreach ($name in 'top_flows', 'top_pcpu_flows') {
        & $fill $maps[$name] $Flows
        if ($LASTEXITCODE -ne 0) { throw "filling $name failed" }
    }
    & $fill $maps['top_watch'] $WatchKeys
    if ($LASTEXITCODE -ne 0) { throw 'filling top_watch failed' }

    Measure-TopTalkers $maps['top_flows'] 'Hash'
    Measure-TopTalkers $maps['top_pcpu_flows'] 'Per-CPU hash'
    $null = Write-Same -Count $Flows | Measure-Object
    $floor = Measure-Repeated { $null = (Write-Same -Count $Flows | Measure-Object).Count }
    $floorNull = Measure-Repeated { Write-Same -Count $Flows | Out-Null }
    [pscustomobject]@{ Map = '-'; Reader = "PowerShell alone: $Flows objects | Measure-Object"; Time = Format-Timing $floor }
    [pscustomobject]@{ Map = '-'; Reader = "PowerShell alone: $Flows objects | Out-Null"; Time = Format-Timing $floorNull }

    $watch = Measure-Command {
        $script:rows = @(Watch-BpfMap -Id $maps['top_watch'] -Interval 1 -Count 5 -Top 20 -SortBy bytesPerSecond -WarningAction SilentlyContinue)
    }
    $samples = @($rows | Group-Object Sample | ForEach-Object { $_.Group[0] })
    $gaps = @(for ($i = 1; $i -lt $samples.Count; $i++) { ($samples[$i].Timestamp - $samples[$i - 1].Timestamp).TotalSeconds })
    $gapStats = $gaps | Measure-Object -Average -Minimum -Maximum
    Write-Host ('PowerShell''s pipeline alone: {0:N0} objects into Measure-Object {1}, into Out-Null {2}' -f $Flows, (Format-Timing $floor), (Format-Timing $floorNull))
    Write-Host ('Watch-BpfMap -Top 20 -Interval 1 over {0:N0} per-CPU keys: {1} samples of {2} rows in {3:N2} s; achieved interval {4:N3} s (min {5:N3}, max {6:N3}; goal 1 s), {7} late (at most {8:N3} s)' -f $WatchKeys, $samples.Count, ($rows.Count / [Math]::Max($samples.Count, 1)), $watch.TotalSeconds, $gapStats.Average, $gapStats.Minimum, $gapStats.Maximum, @($samples | Where-Object Late).Count, ($samples | Measure-Object LateSeconds -Maximum).Maximum)
}
finally {
    $loaded | Remove-BpfObject -Confirm:$false
}
