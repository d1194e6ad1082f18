<#
.SYNOPSIS
    The router_firewall user program of tk154/eBPF-Tests, composed from EbpfPs cmdlets and without OpenWrt.
.DESCRIPTION
    Loads router_firewall for the chosen hook (the built-in, or the object at -ObjectPath, such as the
    seed's own router_firewall.o: both have its maps if_rules_map, if_vlans_map and rout_stats_map), writes
    per-interface rules (input 0x1, output 0x2, forward 0x4) and VLAN membership into its maps, attaches it to
    the interfaces, then either runs -Action or waits for Ctrl+C while printing the forwarded flows. Whatever
    happens, it detaches and unloads on the way out.

    Rules come from -Rules (interface name -> 'input','output','forward') or from -Zone, a list of firewall
    zones as OpenWrt's uci has them (Name, Interface, and Input/Output/Forward 'ACCEPT' or 'REJECT'/'DROP'):
    an interface gets a zone's bit where that zone accepts. VLANs come from -Vlans (interface name -> VLAN
    ids) or, when omitted, from /proc/net/vlan/config of the namespace's kernel (the lines
    'name | vid | parent' that the 8021q module keeps), as tk154/eBPF-Tests read them.
.EXAMPLE
    ./router-firewall.ps1 -Interface eth1, eth2 -Rules @{ eth1 = 'forward', 'input'; eth2 = 'output' } -Vlans @{ eth1 = 10, 20 }
.EXAMPLE
    ./router-firewall.ps1 -Interface eth1, eth2 -ObjectPath ./xdp_router_firewall.o -Zone @(
        @{ Name = 'lan'; Interface = 'eth1'; Input = 'ACCEPT'; Output = 'ACCEPT'; Forward = 'ACCEPT' }
        @{ Name = 'wan'; Interface = 'eth2'; Input = 'REJECT'; Output = 'ACCEPT'; Forward = 'REJECT' })
#>
[CmdletBinding(DefaultParameterSetName = 'Rules')]
param(
    [Parameter(Mandatory)][string[]] $Interface,
    [Parameter(Mandatory, ParameterSetName = 'Rules')][hashtable] $Rules,
    [Parameter(Mandatory, ParameterSetName = 'Zones')][hashtable[]] $Zone,
    [hashtable] $Vlans,
    [ValidateSet('XdpNative', 'XdpGeneric', 'TcIngress')][string] $Hook = 'XdpGeneric',
    [string] $NetNamespace,
    # An object to load in place of the built-in (its first program, like the seed's loader); its hook must fit -Hook.
    [string] $ObjectPath,
    # Where -ObjectPath's by-name maps pin (libbpf pins them at the bpffs root otherwise, and takes any maps of
    # those names it finds there).
    [string] $PinPath,
    # Runs while the firewall is attached (tests pass their traffic here); without it, wait for Ctrl+C.
    [scriptblock] $Action,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/EbpfPs/EbpfPs.psd1')
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module EbpfPs)) { Import-Module $ModulePath }

$bits = @{ input = 0x1; output = 0x2; forward = 0x4 }
if ($Zone) {
    # Zones to per-interface rules, as the seed read them from uci: a zone's policy ACCEPT sets the bit.
    $Rules = @{}
    foreach ($z in $Zone) {
        foreach ($name in @($z.Interface)) {
            $Rules[$name] = @($Rules[$name]) + @('input', 'output', 'forward' | Where-Object { "$($z[$_])" -eq 'ACCEPT' }) |
                Where-Object { $_ }
        }
    }
}
$ns = if ($NetNamespace) { @{ NetNamespace = $NetNamespace } } else { @{} }

# Interface names to indexes, as the kernel (and so the program) knows them.
$index = @{}
Get-XdpProgram @ns | Out-Null
foreach ($name in $Interface) {
    $line = if ($NetNamespace) { & ip -n $NetNamespace -j link show dev $name } else { & ip -j link show dev $name }
    if ($LASTEXITCODE -ne 0) { throw "No interface $name" }
    $index[$name] = ($line | ConvertFrom-Json)[0].ifindex
}
if (-not $Vlans) {
    $Vlans = @{}
    $config = if ($NetNamespace) { & ip netns exec $NetNamespace cat /proc/net/vlan/config 2>$null } else { Get-Content /proc/net/vlan/config -ErrorAction Ignore }
    foreach ($row in $config | Select-Object -Skip 2) {
        $name, $vid, $parent = ($row -split '\|').Trim()
        if ($parent -in $Interface) { $Vlans[$parent] = @($Vlans[$parent]) + [int]$vid | Where-Object { $_ } }
    }
}

$kind = if ($Hook -like 'Xdp*') { 'Xdp' } else { 'Tc' }
$pins = if ($PinPath) { @{ PinPath = $PinPath } } else { @{} }
$fw = if ($ObjectPath) { Import-BpfObject -LiteralPath $ObjectPath @pins } else { Import-BpfObject -Program router_firewall -Hook $kind }
try {
    foreach ($name in $Interface) {
        $mask = 0
        foreach ($rule in @($Rules[$name])) { if ($rule) { $mask = $mask -bor $bits[$rule] } }
        Set-BpfMapEntry -InputObject $fw -MapName if_rules_map -Key $index[$name] -Value $mask
        if ($Vlans[$name]) {
            # struct if_vlans: the first `count` of four ids are valid.
            $ids = @($Vlans[$name]) | Select-Object -First 4
            $value = @{ count = $ids.Count; vlans = @($ids) + @(0, 0, 0, 0) | Select-Object -First 4 }
            Set-BpfMapEntry -InputObject $fw -MapName if_vlans_map -Key $index[$name] -Value $value
        }
    }
    $targets = $Interface | ForEach-Object { [pscustomobject]@{ Interface = $_; NetNamespace = $NetNamespace } }
    switch ($Hook) {
        'XdpNative' { $targets | Add-XdpProgram -Program $fw -Mode Native }
        'XdpGeneric' { $targets | Add-XdpProgram -Program $fw -Mode Generic }
        'TcIngress' { $targets | Add-TcProgram -Program $fw -Direction Ingress }
    }
    Write-Host "router_firewall attached at $Hook on $($Interface -join ', ')."
    if ($Action) { & $Action }
    else {
        Write-Host 'Forwarded flows every 2 s; Ctrl+C to stop.'
        while ($true) {
            Start-Sleep -Seconds 2
            Get-BpfMapEntry -InputObject $fw -MapName rout_stats_map | Format-Table | Out-Host
        }
    }
    Get-BpfMapEntry -InputObject $fw -MapName rout_stats_map
}
finally {
    foreach ($name in $Interface) {
        if ($kind -eq 'Xdp') { Remove-XdpProgram -Interface $name @ns -Confirm:$false -ErrorAction Continue }
        else { Remove-TcProgram -Interface $name @ns -ProgramName ($fw.Programs[0].Name) -Confirm:$false -ErrorAction Continue }
    }
    $fw | Remove-BpfObject -Confirm:$false
}
