# Hooks on many interfaces: $Pairs veth pairs (both ends in one namespace made here, 1,000 interfaces by default).
# The cmdlets run in this already started pwsh, as a user would run them; the references are ip and tc processes.
#   XDP listing  : Get-XdpProgram -NetNamespace        vs one `ip -d -j link show`           (goal: within 3x)
#   TC listing   : Get-TcProgram -NetNamespace         vs `tc -j filter show dev X ingress` per device, as a loop
#                  of processes (the goal: faster); for comparison, Get-TcProgram -Direction Ingress (the same
#                  requests) against them in one `tc -j -batch`
#   XDP attach   : Add-XdpProgram -Interface 's*'      vs `ip link set dev X xdpgeneric pinned PIN` per device
#   XDP detach   : Remove-XdpProgram -Interface 's*'   vs `ip link set dev X xdpgeneric off` per device
# Both sides use the same program, already loaded and pinned for ip, so neither loop loads an object. ip runs under
# `nsenter --net=` (exec, so still one process per device): `ip -n` remounts /sys and would not see the pin.
# TC attach and detach (Add-TcProgram, Remove-TcProgram) are timed too, without a reference.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Pairs = 500,
    # Listings are timed this many times each and the median kept.
    [int] $Repeat = 5,
    # Part of every name this bench makes (namespace, interfaces, pin folder), so parallel runs never meet.
    [string] $Tag = 'scale'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$bpfDir = Join-Path (Split-Path $ModulePath) 'bpf'
$xdpObj = Join-Path $bpfDir 'xdp_drop.o'
$tcObj = Join-Path $bpfDir 'tc_pass.o'
$ns = "ebpfps-$Tag-$PID"
$pins = "/sys/fs/bpf/ebpfps-$Tag-$PID"
$batchFile = Join-Path $WorkDirectory "$ns.ip"

function Get-MedianMs([scriptblock] $Work, [int] $Times) {
    $ms = foreach ($n in 1..$Times) { (Measure-Command $Work).TotalMilliseconds }
    ($ms | Sort-Object)[[int][Math]::Floor($Times / 2)]
}

function Get-Row([string] $Operation, [double] $Ours, [string] $Reference, [double] $Theirs, [string] $Goal,
    [bool] $Met) {
    [pscustomobject]@{
        Operation = $Operation; EbpfPsMs = [Math]::Round($Ours, 1); Reference = $Reference
        ReferenceMs = [Math]::Round($Theirs, 1); Ratio = if ($Theirs -gt 0) { [Math]::Round($Ours / $Theirs, 3) } else { $null }
        Goal = $Goal; Met = $Met
    }
}

function Get-XdpCount {
    @((& ip -n $ns -j link show | ConvertFrom-Json) | Where-Object { $_.PSObject.Properties['xdp'] }).Count
}

& ip netns add $ns
if ($LASTEXITCODE -ne 0) { throw "ip netns add $ns failed" }
try {
    $names = foreach ($i in 0..($Pairs - 1)) { "sa$i"; "sb$i" }
    (0..($Pairs - 1) | ForEach-Object { "link add sa$_ type veth peer name sb$_" }) | Set-Content $batchFile
    & ip -n $ns -batch $batchFile
    if ($LASTEXITCODE -ne 0) { throw 'making the veths failed' }
    $count = $names.Count
    $null = New-Item -ItemType Directory $pins
    & bpftool prog load $xdpObj "$pins/xdp" type xdp
    if ($LASTEXITCODE -ne 0) { throw 'bpftool prog load failed' }
    $pinned = Get-BpfProgram -Id (& bpftool -j prog show pinned "$pins/xdp" | ConvertFrom-Json).id
    Write-Host "$count veth interfaces in $ns; XDP program id $($pinned.Id)"

    # Warm both sides on one interface (JIT, libbpf, the ip binary in the page cache).
    Add-XdpProgram -Interface sa0 -NetNamespace $ns -Program $pinned -Mode Generic
    $null = Get-XdpProgram -NetNamespace $ns
    Remove-XdpProgram -Interface sa0 -NetNamespace $ns -Confirm:$false
    $null = Get-TcProgram -NetNamespace $ns
    & nsenter "--net=/run/netns/$ns" ip link set dev sa0 xdpgeneric pinned "$pins/xdp"
    & ip -n $ns link set dev sa0 xdpgeneric off
    $null = & ip -n $ns -d -j link show

    $rows = [System.Collections.Generic.List[object]]::new()

    # XDP attach, listing and detach: ours.
    $attach = (Measure-Command {
        Add-XdpProgram -Interface 's*' -NetNamespace $ns -Program $pinned -Mode Generic
    }).TotalMilliseconds
    if ((Get-XdpCount) -ne $count) { throw "Add-XdpProgram left $(Get-XdpCount) of $count interfaces with XDP" }
    $listed = @(Get-XdpProgram -NetNamespace $ns).Count
    if ($listed -ne $count) { throw "Get-XdpProgram listed $listed of $count" }
    $listXdp = Get-MedianMs { $null = Get-XdpProgram -NetNamespace $ns } $Repeat
    $ipShow = Get-MedianMs { $null = & ip -n $ns -d -j link show } $Repeat
    $detach = (Measure-Command { Remove-XdpProgram -Interface 's*' -NetNamespace $ns -Confirm:$false }).TotalMilliseconds
    if ((Get-XdpCount) -ne 0) { throw "Remove-XdpProgram left XDP on $(Get-XdpCount) interfaces" }

    # XDP attach and detach: ip, one process per interface.
    $ipAttach = (Measure-Command {
        foreach ($n in $names) { & nsenter "--net=/run/netns/$ns" ip link set dev $n xdpgeneric pinned "$pins/xdp" }
    }).TotalMilliseconds
    if ((Get-XdpCount) -ne $count) { throw "the ip loop left $(Get-XdpCount) of $count interfaces with XDP" }
    $ipDetach = (Measure-Command {
        foreach ($n in $names) { & nsenter "--net=/run/netns/$ns" ip link set dev $n xdpgeneric off }
    }).TotalMilliseconds
    if ((Get-XdpCount) -ne 0) { throw "the ip loop left XDP on $(Get-XdpCount) interfaces" }

    $rows.Add((Get-Row "Get-XdpProgram, $count interfaces with XDP" $listXdp 'one ip -d -j link show' $ipShow `
        'within 3x' ($listXdp -le 3 * $ipShow)))
    $rows.Add((Get-Row "Add-XdpProgram on $count (one command)" $attach "ip link set xdpgeneric pinned, $count processes" `
        $ipAttach 'faster' ($attach -lt $ipAttach)))
    $rows.Add((Get-Row "Remove-XdpProgram on $count (one command)" $detach "ip link set xdpgeneric off, $count processes" `
        $ipDetach 'faster' ($detach -lt $ipDetach)))

    # TC: a filter on every ingress, then the listing against tc per device.
    $tcAttach = (Measure-Command { Add-TcProgram -Interface 's*' -NetNamespace $ns -Path $tcObj -Direction Ingress }).TotalMilliseconds
    $tcListed = @(Get-TcProgram -NetNamespace $ns).Count
    if ($tcListed -ne $count) { throw "Get-TcProgram listed $tcListed of $count" }
    $listTc = Get-MedianMs { $null = Get-TcProgram -NetNamespace $ns } $Repeat
    $tcLoop = (Measure-Command { foreach ($n in $names) { $null = & tc -n $ns -j filter show dev $n ingress } }).TotalMilliseconds
    $names | ForEach-Object { "filter show dev $_ ingress" } | Set-Content $batchFile
    $tcBatch = Get-MedianMs { $null = & tc -n $ns -j -batch $batchFile } $Repeat
    $listIngress = Get-MedianMs { $null = Get-TcProgram -NetNamespace $ns -Direction Ingress } $Repeat
    $tcDetach = (Measure-Command { Get-TcProgram -NetNamespace $ns | Remove-TcProgram -Confirm:$false }).TotalMilliseconds
    $left = @(Get-TcProgram -NetNamespace $ns).Count
    if ($left -ne 0) { throw "Remove-TcProgram left $left filters" }
    $listNone = Get-MedianMs { $null = Get-TcProgram -NetNamespace $ns } $Repeat

    $rows.Add((Get-Row "Get-TcProgram, $count interfaces with a filter" $listTc `
        "tc -j filter show dev X ingress, $count processes" $tcLoop 'faster' ($listTc -lt $tcLoop)))
    $rows.Add((Get-Row "Get-TcProgram -Direction Ingress, $count with a filter" $listIngress `
        "the same $count requests in one tc -j -batch" $tcBatch '(for comparison)' ($listIngress -lt $tcBatch)))
    $rows.Add((Get-Row "Add-TcProgram on $count (one command)" $tcAttach '' 0 '(no reference)' $true))
    $rows.Add((Get-Row "Get-TcProgram | Remove-TcProgram, $count" $tcDetach '' 0 '(no reference)' $true))
    $rows.Add((Get-Row "Get-TcProgram, $count interfaces without TC" $listNone '' 0 '(no reference)' $true))
    $rows
    foreach ($r in $rows | Where-Object ReferenceMs) {
        Write-Host ("{0} / {1} = {2:N3} (goal: {3})" -f $r.Operation, $r.Reference, $r.Ratio, $r.Goal)
    }
}
finally {
    & ip netns del $ns
    Remove-Item -Recurse -Force $pins, $batchFile -ErrorAction Ignore
}
