# Conventions every exported cmdlet meets, now and later: checked over whatever the manifest exports.
BeforeDiscovery {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:cmdlets = @(Get-Command -Module EbpfPs -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $script:mutating = @('Add', 'Set', 'Remove', 'Clear', 'Import', 'Enable', 'Disable', 'New', 'Reset', 'Start', 'Stop')
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:approved = @(Get-Verb | ForEach-Object Verb)
    $script:mutating = @('Add', 'Set', 'Remove', 'Clear', 'Import', 'Enable', 'Disable', 'New', 'Reset', 'Start', 'Stop')
    $script:formatted = @((Get-FormatData -PowerShellVersion $PSVersionTable.PSVersion) | ForEach-Object TypeNames)
}

Describe 'Module manifest' {
    It 'loads from the staged folder with explicit exports and 7.4 as the minimum' {
        $m = Get-Module EbpfPs
        $m.PowerShellVersion | Should -Be ([version]'7.4')
        $m.CompatiblePSEditions | Should -Contain 'Core'
        $data = Import-PowerShellDataFile (Join-Path $m.ModuleBase EbpfPs.psd1)
        $data.CmdletsToExport | Should -Not -Contain '*'
        @($m.ExportedCmdlets.Keys) | Sort-Object | Should -Be (@($data.CmdletsToExport) | Sort-Object)
    }

    It 'ships a compiled BPF object for each hook of every program source' {
        $dir = Join-Path (Split-Path (Get-Module EbpfPs).Path) 'bpf'
        $sources = Get-ChildItem (Join-Path $PSScriptRoot '../../bpf') -Filter *.c -File
        $sources | Should -Not -BeNullOrEmpty
        foreach ($s in $sources) {
            Join-Path $dir "xdp_$($s.BaseName).o" | Should -Exist
            Join-Path $dir "tc_$($s.BaseName).o" | Should -Exist
        }
    }
}

Describe 'Cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll { $cmd = Get-Command $Name }

    It 'uses an approved verb' { $cmd.Verb | Should -BeIn $approved }

    It 'declares [OutputType]' { $cmd.OutputType | Should -Not -BeNullOrEmpty }

    It 'has a default table view for each output type' {
        foreach ($t in $cmd.OutputType | Where-Object { $_.Name -ne 'System.Void' }) {
            $t.Name | Should -BeIn $formatted -Because "$Name emits $($t.Name)"
            # Output that comes back through Invoke-Command keeps its view (PowerShell adds PSComputerName).
            if ($t.Name -like 'EbpfPs.*') {
                "Deserialized.$($t.Name)" | Should -BeIn $formatted -Because "$Name's output may come through remoting"
            }
        }
    }

    It 'has help with a synopsis and at least one example' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -Match "^\s*$Name\s*\["
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        (Get-Help $Name -Examples | Out-String) | Should -Match 'Example 1'
    }

    It 'supports -WhatIf and -Confirm when it changes kernel state' {
        # New-BpfTestPacket only builds bytes in memory; everything else with these verbs touches the kernel.
        if ($cmd.Verb -in $mutating -and $Name -ne 'New-BpfTestPacket') {
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
            $cmd.Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'offers -LiteralPath beside every -Path' {
        if ($cmd.Parameters.ContainsKey('Path')) { $cmd.Parameters.Keys | Should -Contain 'LiteralPath' }
    }

    It 'completes interface, namespace, program and map names' {
        foreach ($p in $cmd.Parameters.Values | Where-Object Name -In 'Interface', 'NetNamespace', 'Program', 'Name', 'ProgramName', 'MapName') {
            if ($p.ParameterType -notin [string], [string[]]) { continue }
            if ($Name -eq 'Get-BpfFeature') { continue }
            # A New- cmdlet's -Name is a name that does not exist yet: nothing to complete.
            if ($cmd.Verb -eq 'New' -and $p.Name -eq 'Name') { continue }
            $completer = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] -or $_ -is [System.Management.Automation.ValidateSetAttribute] }
            $completer | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should tab-complete"
        }
    }
}
