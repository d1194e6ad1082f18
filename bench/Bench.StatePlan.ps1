# Desired state on many interfaces (issue 21, follow-up of item 5): a state of N attachments (XDP generic and a TC
# ingress filter on each of N/2 veths, in a namespace of N veths made here) and one of 2N in a namespace twice the
# size. Timed for each: the first Set-BpfState (attaches everything), Test-BpfState and a second Set-BpfState (both
# find nothing to do: the planning alone). The ratio 2N/N of the planning is about 2 when planning lists each
# namespace once, and about 4 when it lists the namespace again for every interface.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Attachments = 200,
    # Test and the second Set are timed this many times each and the median kept.
    [int] $Repeat = 3,
    # Part of every name this bench makes, so parallel runs never meet.
    [string] $Tag = 'stplan'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$dir = Join-Path $WorkDirectory "$Tag-$PID"
$null = New-Item -ItemType Directory -Force $dir
$made = [System.Collections.Generic.List[string]]::new()

function Get-MedianMs([scriptblock] $Work, [int] $Times) {
    $ms = foreach ($n in 1..$Times) { (Measure-Command $Work).TotalMilliseconds }
    ($ms | Sort-Object)[[int][Math]::Floor($Times / 2)]
}

function New-Namespace([int] $Interfaces) {
    $ns = "ebpfps-$Tag-$Interfaces-$PID"
    & ip netns add $ns
    if ($LASTEXITCODE -ne 0) { throw "ip netns add $ns failed" }
    $made.Add($ns)
    $batch = Join-Path $dir "$ns.ip"
    (0..($Interfaces / 2 - 1) | ForEach-Object { "link add sa$_ type veth peer name sb$_" }) | Set-Content $batch
    & ip -n $ns -batch $batch
    if ($LASTEXITCODE -ne 0) { throw "making the veths of $ns failed" }
    $ns
}

function Measure-State([int] $Count) {
    # Count attachments: two hooks on each of Count/2 interfaces, of a namespace holding Count interfaces.
    $ns = New-Namespace $Count
    $on = (0..($Count / 2 - 1) | ForEach-Object { "'sa$_'" }) -join ', '
    $path = Join-Path $dir "state$Count.psd1"
    Set-Content -LiteralPath $path @"
@{
    Programs = @(
        @{ Name = 'edge'; Object = 'drop'; Hook = 'XdpGeneric'; NetNamespace = '$ns'; Interfaces = @($on) }
        @{ Name = 'count'; Object = 'pass'; Hook = 'TcIngress'; NetNamespace = '$ns'; Interfaces = @($on) }
    )
}
"@
    $first = (Measure-Command { $script:applied = @(Set-BpfState -LiteralPath $path -Confirm:$false) }).TotalMilliseconds
    if ($applied.Count -ne $Count) { throw "the first Set-BpfState applied $($applied.Count) of $Count" }
    $xdp = @((& ip -n $ns -j link show | ConvertFrom-Json) | Where-Object { $_.PSObject.Properties['xdp'] }).Count
    if ($xdp -ne $Count / 2) { throw "ip shows XDP on $xdp of $($Count / 2) interfaces" }
    $test = Get-MedianMs {
        $drift = @(Test-BpfState -LiteralPath $path)
        if ($drift.Count) { throw "Test-BpfState found $($drift.Count) differences after Set" }
    } $Repeat
    $again = Get-MedianMs {
        $changed = @(Set-BpfState -LiteralPath $path -Confirm:$false)
        if ($changed.Count) { throw "a second Set-BpfState changed $($changed.Count) things" }
    } $Repeat
    [pscustomobject]@{
        Attachments = $Count; Interfaces = $Count; FirstSetMs = [Math]::Round($first)
        TestMs = [Math]::Round($test); SecondSetMs = [Math]::Round($again)
    }
}

try {
    # Warm up on a small state (JIT, libbpf, the scratch loads' code paths), untimed.
    $null = Measure-State 8
    $small = Measure-State $Attachments
    $large = Measure-State (2 * $Attachments)
    $small, $large | Format-Table -AutoSize | Out-Host
    foreach ($what in 'FirstSetMs', 'TestMs', 'SecondSetMs') {
        Write-Host ("{0}, {1:N0} attachments / {2:N0}: {3:N2} (linear is about 2, quadratic about 4)" -f
            $what, (2 * $Attachments), $Attachments, ($large.$what / [Math]::Max(1, $small.$what)))
    }
}
finally {
    foreach ($ns in $made) {
        [EbpfPs.Engine.Attach.Attachments]::ForgetNamespace($ns)
        & ip netns del $ns
    }
    Remove-Item -Recurse -Force -LiteralPath $dir -ErrorAction SilentlyContinue
}
