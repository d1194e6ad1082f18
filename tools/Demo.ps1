# The README's first command ends here: it shows what EbpfPs does on this machine, inside a test
# network it makes and removes. Grows with the hook comparison (Measure-HookThroughput) when it lands.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $OutputDirectory
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = New-Item -ItemType Directory -Force $OutputDirectory

Write-Host "`n== What this kernel supports for the hook comparison" -ForegroundColor Green
Get-BpfFeature -Category System | Format-Table -AutoSize | Out-Host
Get-BpfFeature -Category ProgramType -Name xdp, sched_cls, tracing, ext | Format-Table -AutoSize | Out-Host

Write-Host "== Loading every program that ships with the module, at both hooks" -ForegroundColor Green
$pin = "/sys/fs/bpf/ebpfps-demo-$PID"
$objects = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($hook in 'Xdp', 'Tc') {
        foreach ($name in (Get-ChildItem (Join-Path (Split-Path $ModulePath) 'bpf') -Filter "$($hook.ToLowerInvariant())_*.o").BaseName) {
            $program = $name.Substring($hook.Length + 1)
            $objects.Add((Import-BpfObject -Program $program -Hook $hook -PinPath "$pin/$($hook.ToLowerInvariant())/$program"))
        }
    }
    $ids = $objects.Programs.Id
    Write-Host "`n== The kernel's view of them (Get-BpfProgram), exported to programs.csv" -ForegroundColor Green
    $loaded = Get-BpfProgram -Id $ids
    $loaded | Format-Table -AutoSize | Out-Host
    $loaded | Select-Object Id, Name, Type, Tag, JitedSize, XlatedSize, MemlockBytes, VerifiedInstructions |
        Export-Csv (Join-Path $OutputDirectory 'programs.csv')
    Write-Host "== Their maps (Get-BpfMap)" -ForegroundColor Green
    Get-BpfMap -Id ($loaded.MapIds | Sort-Object -Unique) | Format-Table -AutoSize | Out-Host
}
finally {
    $objects | Remove-BpfProgram -Confirm:$false
    if (Test-Path $pin) { Remove-BpfProgram -LiteralPath $pin -Confirm:$false }
}
Write-Host "Demo done; wrote $(Join-Path $OutputDirectory 'programs.csv'). Nothing is left loaded or pinned."
