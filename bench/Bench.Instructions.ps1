# Get-BpfProgramInstruction in a warm session against `bpftool -j prog dump xlated id N linum | ConvertFrom-Json`
# run as a process (the way a script gets bpftool's instructions as objects): same program, same run. bpftool reads
# /proc/kallsyms on every run to name the kernel functions the program calls; the module keeps those names.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [int] $Iterations = 20
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$obj = Import-BpfObject -Program router_firewall -Hook Xdp
try {
    $id = $obj.Programs[0].Id
    $cold = Measure-Command { $count = @(Get-BpfProgramInstruction -Id $id).Count }
    $null = bpftool -j prog dump xlated id $id linum | ConvertFrom-Json
    $ours = Measure-Command {
        for ($i = 0; $i -lt $Iterations; $i++) { $null = Get-BpfProgramInstruction -Id $id }
    }
    $tool = Measure-Command {
        for ($i = 0; $i -lt $Iterations; $i++) {
            $null = bpftool -j prog dump xlated id $id linum | ConvertFrom-Json
            if ($LASTEXITCODE -ne 0) { throw 'bpftool prog dump xlated failed' }
        }
    }
    $o = $ours.TotalMilliseconds / $Iterations; $b = $tool.TotalMilliseconds / $Iterations
    [pscustomobject]@{
        Instructions = $count; EbpfPsFirstCallMs = [Math]::Round($cold.TotalMilliseconds, 1)
        EbpfPsMsPerDump = [Math]::Round($o, 2); BpftoolMsPerDump = [Math]::Round($b, 2); Ratio = [Math]::Round($o / $b, 4)
    } | Format-List | Out-Host
    Write-Host ("Get-BpfProgramInstruction (warm session) / bpftool -j prog dump xlated linum | ConvertFrom-Json = {0:N4}" -f ($o / $b))
}
finally {
    $obj | Remove-BpfObject -Confirm:$false
}
