@{
    RootModule           = 'EbpfPs.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0c7a4e-2f1d-4a8e-9c3b-7e61d2f4a9b0'
    Author               = 'The EbpfPs authors'
    CompanyName          = 'EbpfPs'
    Copyright            = '(c) 2026 The EbpfPs authors. MIT License (see LICENSE).'
    Description          = 'Load, attach, inspect, test and benchmark eBPF programs at the XDP and TC hooks, as typed PowerShell objects over libbpf.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The type and format files (formats/) are loaded by the module's first command, not here: see
    # src/EbpfPs/Commands/Common/DeferredModuleData.cs, which lists them.
    # A comma list rather than an @( ) with a name per line: Import-Module runs the manifest as a script, where each
    # line of an @( ) is a statement to compile.
    CmdletsToExport      = 'Import-BpfObject', 'Get-BpfProgram', 'Remove-BpfProgram', 'Remove-BpfObject',
        'Get-BpfMap', 'Get-BpfLink', 'Get-BpfBtfType', 'Get-BpfProgramInstruction', 'New-BpfPin', 'New-BpfMap',
        'Get-BpfFeature', 'Add-XdpProgram', 'Get-XdpProgram', 'Remove-XdpProgram', 'Add-TcProgram', 'Get-TcProgram',
        'Remove-TcProgram', 'New-BpfTestNetwork', 'Get-BpfTestNetwork', 'Remove-BpfTestNetwork',
        'Measure-HookThroughput', 'Export-BpfHookChart', 'Get-BpfMapEntry', 'Set-BpfMapEntry', 'Remove-BpfMapEntry',
        'Push-BpfMapEntry', 'Pop-BpfMapEntry', 'Test-BpfMapEntry', 'Clear-BpfMap', 'Watch-BpfMap', 'Receive-BpfEvent',
        'New-BpfTestPacket', 'Export-BpfTestPacket', 'Send-BpfTestPacket', 'Invoke-BpfProgramTest',
        'Enable-BpfStatistics', 'Disable-BpfStatistics', 'Test-BpfState', 'Set-BpfState'
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('eBPF', 'BPF', 'XDP', 'TC', 'libbpf', 'networking', 'Linux', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/ebpfps/EbpfPs'
            LicenseUri   = 'https://github.com/ebpfps/EbpfPs/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0: load BPF object files (typed global variables, pins), attach them at XDP (native, generic) and TC
(clsact filters, tcx links) in any network namespace with rollback, read and write maps as BTF-typed objects
(batch reads, per-CPU values, watching rates, ring buffer events), run programs on crafted packets
(BPF_PROG_TEST_RUN), compare hooks' throughput in disposable test networks, keep routers in a desired state
over remoting, and list what the kernel holds (programs, maps, links, BTF, features).
Help: Get-Help about_EbpfPs.
'@
        }
    }
}
