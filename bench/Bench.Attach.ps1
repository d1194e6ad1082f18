# Add-XdpProgram + Remove-XdpProgram in a warm session against `ip link set dev X xdpgeneric obj ... sec xdp`
# + `ip link set dev X xdpgeneric off` run as processes: same interface, same object, same run.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Iterations = 30
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$obj = Join-Path (Split-Path $ModulePath) 'bpf/xdp_drop.o'
$net = New-BpfTestNetwork
try {
    $b = $net['B']
    # Warm both paths once.
    Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $obj -Mode Generic
    Remove-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Confirm:$false
    & ip -n $b.NetNamespace link set dev $b.Interface xdpgeneric obj $obj sec xdp
    & ip -n $b.NetNamespace link set dev $b.Interface xdpgeneric off

    $ours = Measure-Command {
        for ($i = 0; $i -lt $Iterations; $i++) {
            Add-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Path $obj -Mode Generic
            Remove-XdpProgram -Interface $b.Interface -NetNamespace $b.NetNamespace -Confirm:$false
        }
    }
    $ip = Measure-Command {
        for ($i = 0; $i -lt $Iterations; $i++) {
            & ip -n $b.NetNamespace link set dev $b.Interface xdpgeneric obj $obj sec xdp
            if ($LASTEXITCODE -ne 0) { throw 'ip link set xdpgeneric failed' }
            & ip -n $b.NetNamespace link set dev $b.Interface xdpgeneric off
        }
    }
    $o = $ours.TotalMilliseconds / $Iterations; $p = $ip.TotalMilliseconds / $Iterations
    [pscustomobject]@{ EbpfPsMsPerCycle = [Math]::Round($o, 2); IpMsPerCycle = [Math]::Round($p, 2); Ratio = [Math]::Round($o / $p, 3) } | Format-List | Out-Host
    Write-Host ("Add-XdpProgram + Remove-XdpProgram (warm session) / ip link set xdpgeneric obj + off (processes) = {0:N3}" -f ($o / $p))
}
finally {
    Remove-BpfTestNetwork $net.Name -Confirm:$false
}
