# Shared by every *.Tests.ps1: the module under test, independent tools to cross-check against,
# and scratch state (pins, namespaces) that is always removed again.

$script:ScratchPins = [System.Collections.Generic.List[string]]::new()
$script:ScratchNamespaces = [System.Collections.Generic.List[string]]::new()
. (Join-Path $PSScriptRoot 'KernelSnapshot.ps1')

function Import-EbpfPsUnderTest {
    # The staged module build.ps1 made, or the path CI passed in EBPFPS_MODULE.
    $path = if ($env:EBPFPS_MODULE) { $env:EBPFPS_MODULE } else { Join-Path $PSScriptRoot '../../out/EbpfPs/EbpfPs.psd1' }
    Import-Module $path -Force -Global -ErrorAction Stop
}

function Get-BuiltinObjectPath([string] $Name, [ValidateSet('xdp', 'tc')][string] $Hook = 'xdp') {
    $dir = Join-Path (Split-Path (Get-Module EbpfPs).Path) 'bpf'
    return Join-Path $dir "$($Hook)_$Name.o"
}

function Invoke-Json {
    # Runs bpftool/ip/tc with -j and returns parsed JSON; a failure is a test failure. A simple
    # function so native flags such as -j or -d are passed through, not bound as parameters.
    $FilePath, $Arguments = $args
    $text = & $FilePath @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed: $text" }
    if ([string]::IsNullOrWhiteSpace($text)) { return @() }
    return ($text | Out-String | ConvertFrom-Json -NoEnumerate)
}

function New-ScratchPinPath([string] $Prefix = 'ebpfps-test') {
    # A unique bpffs path, remembered so Remove-ScratchState deletes it even when a test failed.
    $path = "/sys/fs/bpf/$Prefix-$PID-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $script:ScratchPins.Add($path)
    $null = $script:MadePinRoots.Add($path)
    return $path
}

function New-ScratchNamespace([string] $Prefix = 'ebpfps-t') {
    $name = "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    & ip netns add $name
    if ($LASTEXITCODE -ne 0) { throw "ip netns add $name failed" }
    $script:ScratchNamespaces.Add($name)
    $null = $script:MadeNamespaces.Add($name)
    return $name
}

function Remove-ScratchState {
    foreach ($pin in $script:ScratchPins) {
        if (Test-Path -LiteralPath $pin) { Remove-Item -LiteralPath $pin -Recurse -Force -ErrorAction SilentlyContinue }
    }
    $script:ScratchPins.Clear()
    foreach ($ns in $script:ScratchNamespaces) { & ip netns del $ns 2>$null }
    $script:ScratchNamespaces.Clear()
}

function Get-KernelSnapshot {
    # What "nothing left behind" compares: program ids, bpffs entries (all, and the root's own), network namespaces,
    # the interfaces of this namespace (fleet networks add one veth here) and running sshd processes (fleet networks
    # start them).
    [pscustomobject]@{
        ProgramIds = @((Invoke-Json bpftool -j prog show) | ForEach-Object id | Sort-Object)
        MapIds     = @((Invoke-Json bpftool -j map show) | ForEach-Object id | Sort-Object)
        Pins       = @(Get-ChildItem -Recurse -Force /sys/fs/bpf -ErrorAction SilentlyContinue | ForEach-Object FullName | Sort-Object)
        RootPins   = @(Get-ChildItem -Force /sys/fs/bpf -ErrorAction SilentlyContinue | ForEach-Object Name | Sort-Object)
        Namespaces = @(& ip netns list 2>$null | ForEach-Object { ($_ -split ' ')[0] } | Sort-Object)
        Interfaces = @((Invoke-Json ip -j link show) | ForEach-Object ifname | Sort-Object)
        Sshd       = @(Get-ChildItem /proc -Directory | Where-Object Name -Match '^\d+$' | Where-Object {
                (Get-Content -LiteralPath "$($_.FullName)/comm" -ErrorAction SilentlyContinue) -eq 'sshd' -and
                (Get-Content -LiteralPath "$($_.FullName)/stat" -ErrorAction SilentlyContinue) -notmatch '\) [ZX] ' } |
            ForEach-Object { [int]$_.Name } | Sort-Object)
    }
}

function Wait-ProgramGone([uint32[]] $Id, [int] $TimeoutMs = 5000) {
    # The kernel frees programs after an RCU grace period; poll instead of sleeping a fixed time.
    $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
    do {
        $left = @((Invoke-Json bpftool -j prog show) | Where-Object { $_.id -in $Id })
        if ($left.Count -eq 0) { return $true }
        Start-Sleep -Milliseconds 50
    } while ([DateTime]::UtcNow -lt $deadline)
    return $false
}



function Build-TestBpfObject {
    # Compiles tests/bpf/<Name>.c into a scratch folder; the object file is the test's fixture. -Hook builds
    # it like bpf/*.c (-D__EBPFPS_XDP or -D__EBPFPS_TC, with bpf/include on the include path). -Define adds
    # macros (another build of the same source: 'GUARD_BUILD=2'); -Source takes a path instead (a built-in's .c).
    # -Cpu picks the BPF instruction set clang targets (v1-v3): the same source as different code, for a new build.
    param([Parameter(Mandatory)][string] $Name, [ValidateSet('', 'Xdp', 'Tc')][string] $Hook = '',
        [string[]] $Define = @(), [string] $Source, [ValidateSet('', 'v1', 'v2', 'v3')][string] $Cpu = '')
    $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-tests-$PID"
    $null = New-Item -ItemType Directory -Force $dir
    $suffix = if ($Define) { '-' + (($Define -join '-') -replace '[^A-Za-z0-9_-]', '_') } else { '' }
    if ($Cpu) { $suffix += "-$Cpu" }
    [string[]] $cpuArgs = if ($Cpu) { "-mcpu=$Cpu" } else { @() }
    $out = Join-Path $dir "$Name$(if ($Hook) { "-$Hook" })$suffix.o"
    $arch = (& uname -m)
    [string[]] $hookArgs = if ($Hook) { "-D__EBPFPS_$($Hook.ToUpperInvariant())", '-I', (Join-Path $PSScriptRoot '../../bpf/include') } else { @() }
    [string[]] $defines = @($Define | ForEach-Object { "-D$_" })
    $src = if ($Source) { $Source } else { Join-Path $PSScriptRoot "../bpf/$Name.c" }
    & clang -O2 -g -target bpf -I "/usr/include/$arch-linux-gnu" @hookArgs @defines @cpuArgs -c $src -o $out
    if ($LASTEXITCODE -ne 0) { throw "clang failed for $src" }
    return $out
}


function Get-IpXdp([string] $NetNamespace, [string] $Interface) {
    # What `ip -d link` says is attached: @{ Mode = 'Native'|'Generic'|'Offload'|$null; ProgramId = n }.
    $link = (Invoke-Json ip -n $NetNamespace -j -d link show dev $Interface)[0]
    if (-not $link.PSObject.Properties['xdp']) { return [pscustomobject]@{ Mode = $null; ProgramId = 0 } }
    $mode = switch ($link.xdp.mode) { 1 { 'Native' } 2 { 'Generic' } 3 { 'Offload' } default { "mode $_" } }
    [pscustomobject]@{ Mode = $mode; ProgramId = [uint32]$link.xdp.prog.id }
}

function Get-TcFilters([string] $NetNamespace, [string] $Interface, [string] $Direction = 'ingress') {
    # The BPF filters `tc -j filter show` lists (entries with options; the others are chain heads).
    $text = & ip netns exec $NetNamespace tc -j filter show dev $Interface $Direction 2>$null
    if (-not $text) { return @() }
    @(($text | ConvertFrom-Json) | Where-Object { $_.PSObject.Properties['options'] } | ForEach-Object {
            [pscustomobject]@{ Priority = [uint32]$_.pref; Handle = [Convert]::ToUInt32($_.options.handle, 16); ProgramId = [uint32]$_.options.prog.id; Kind = $_.kind }
        })
}

function Test-Clsact([string] $NetNamespace, [string] $Interface) {
    [bool](& ip netns exec $NetNamespace tc qdisc show dev $Interface | Select-String 'clsact')
}


function Get-FlowCounters([string] $PinnedMap, [string] $Source, [string] $Destination) {
    # Sums one flow's per-CPU counters as bpftool dumps them; keys hold the addresses in network order.
    $src = [BitConverter]::ToUInt32(([ipaddress]$Source).GetAddressBytes(), 0)
    $dst = [BitConverter]::ToUInt32(([ipaddress]$Destination).GetAddressBytes(), 0)
    $total = [pscustomobject]@{ Packets = [uint64]0; Bytes = [uint64]0 }
    if (-not (Test-Path $PinnedMap)) { return $total }
    foreach ($e in Invoke-Json bpftool -j map dump pinned $PinnedMap) {
        if ($e.formatted.key.src -ne $src -or $e.formatted.key.dst -ne $dst) { continue }
        foreach ($v in $e.formatted.values) { $total.Packets += $v.value.packets; $total.Bytes += $v.value.bytes }
    }
    return $total
}

function Get-RxPackets([string] $NetNamespace, [string] $Interface) {
    [uint64](Invoke-Json ip -n $NetNamespace -s -j link show dev $Interface)[0].stats64.rx.packets
}

function Get-KernelForwarded([string] $NetNamespace) {
    # IP ForwDatagrams of the namespace: packets the kernel's stack forwarded (XDP/TC redirects are not among them).
    $lines = @(& ip netns exec $NetNamespace cat /proc/net/snmp | Where-Object { $_ -like 'Ip:*' })
    $names = $lines[0] -split '\s+'; $values = $lines[1] -split '\s+'
    [uint64]$values[[array]::IndexOf($names, 'ForwDatagrams')]
}

function Send-UdpDatagrams([string] $NetNamespace, [string] $Destination, [int] $Port, [int] $Count, [int] $PayloadBytes) {
    # bash's /dev/udp sends one datagram per write, from inside the namespace; nothing needs to listen.
    $payload = 'x' * ($PayloadBytes - 1)
    & ip netns exec $NetNamespace bash -c "for i in `$(seq $Count); do echo '$payload' > /dev/udp/$Destination/$Port; done" 2>$null
}

function Get-Error([scriptblock] $Action) {
    # Stop makes the cmdlet's error catchable here, whether it was terminating or not.
    $ErrorActionPreference = 'Stop'
    try { & $Action | Out-Null } catch { return $_ }
    throw 'the command did not fail'
}

function Start-ChildPwsh([string] $Command, [string[]] $Prefix = @()) {
    # A child pwsh running a command with the module under test imported, output collected; -Prefix runs it
    # through another program first (capsh, setpriv). Under the .NET tool this process is dotnet and pwsh.dll is
    # PowerShell; a pwsh binary needs no dll.
    $exe = [Environment]::ProcessPath
    [string[]] $pwsh = @($exe) + $(if ((Split-Path -Leaf $exe) -notlike 'pwsh*') { Join-Path $PSHOME 'pwsh.dll' })
    $script = "Import-Module '$((Get-Module EbpfPs).Path)'; $Command"
    [string[]] $all = $Prefix + $pwsh + @('-NoProfile', '-NonInteractive', '-Command', $script)
    $start = [Diagnostics.ProcessStartInfo]::new($all[0])
    foreach ($a in $all | Select-Object -Skip 1) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [Diagnostics.Process]::Start($start)
    Register-TestChild $process.Id
    [pscustomobject]@{ Process = $process; Out = $process.StandardOutput.ReadToEndAsync(); Err = $process.StandardError.ReadToEndAsync() }
}

function Wait-ChildPwsh($Child, [int] $TimeoutMs = 120000) {
    # The child's output lines (stdout then stderr); a child that does not finish in time is killed and fails.
    if (-not $Child.Process.WaitForExit($TimeoutMs)) { $Child.Process.Kill($true); throw "the child pwsh did not finish in $TimeoutMs ms" }
    @(($Child.Out.Result + $Child.Err.Result) -split "`r?`n" | Where-Object { $_ -ne '' })
}

function New-StateFile([string] $Text, [string] $Name = 'state.psd1', [hashtable] $Replace = @{}) {
    # A desired-state file in the test's TestDrive; each placeholder in $Replace ('{R}') becomes the namespace
    # the test network got, which is only known at run time.
    foreach ($placeholder in $Replace.Keys) { $Text = $Text.Replace($placeholder, $Replace[$placeholder]) }
    $path = Join-Path $TestDrive $Name
    Set-Content -LiteralPath $path -Value $Text
    return $path
}

function Get-Completion([string] $Line) {
    # What Tab offers at the end of the line, as the console asks for it.
    @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
}

function Get-TinyIds {
    # The ids of every loaded copy of tiny_xdp.c's program, whoever loaded it.
    @(Invoke-Json bpftool -j prog show | Where-Object name -EQ 'tiny_pass' | ForEach-Object id)
}

Export-ModuleMember -Function *
