BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:bpftool = Invoke-Json bpftool -j feature probe kernel
}

Describe 'Get-BpfFeature' {
    It 'agrees with bpftool feature probe on every program type both know' {
        $ours = Get-BpfFeature -Category ProgramType
        $compared = 0
        foreach ($f in $ours) {
            $key = "have_$($f.Name)_prog_type"
            if ($bpftool.program_types.PSObject.Properties[$key]) {
                $f.Supported | Should -Be $bpftool.program_types.$key -Because $f.Name
                $compared++
            }
        }
        $compared | Should -BeGreaterThan 20
    }

    It 'agrees with bpftool feature probe on every map type both know' {
        $compared = 0
        foreach ($f in Get-BpfFeature -Category MapType) {
            $key = "have_$($f.Name)_map_type"
            if ($bpftool.map_types.PSObject.Properties[$key]) {
                $f.Supported | Should -Be $bpftool.map_types.$key -Because $f.Name
                $compared++
            }
        }
        $compared | Should -BeGreaterThan 20
    }

    It 'agrees with bpftool on the helpers the built-in programs use' {
        foreach ($f in Get-BpfFeature -Category Helper) {
            $prog, $helper = $f.Name -split '/'
            $f.Supported | Should -Be ($helper -in $bpftool.helpers."$($prog)_available_helpers") -Because $f.Name
        }
    }

    It 'says whether fentry/freplace are possible (tracing and ext program types)' {
        foreach ($name in 'tracing', 'ext') {
            $f = Get-BpfFeature -Category ProgramType -Name $name
            $f.Supported | Should -Be $bpftool.program_types."have_$($name)_prog_type"
            $f.Detail | Should -Match 'fentry|freplace'
        }
    }

    It 'reports JIT and bpffs as the system does' {
        $sys = Get-BpfFeature -Category System
        ($sys | Where-Object Name -EQ Jit).Value | Should -Be ([string]$bpftool.system_config.bpf_jit_enable)
        ($sys | Where-Object Name -EQ BpfFs).Supported | Should -Be ((& stat -f -c %T /sys/fs/bpf) -eq 'bpf_fs')
        ($sys | Where-Object Name -EQ Kernel).Value | Should -Be (& uname -r)
        ($sys | Where-Object Name -EQ PossibleCpus).Value | Should -Be ([string](Get-Content /sys/devices/system/cpu/possible | ForEach-Object { $hi = ($_ -split '-')[-1]; [int]$hi + 1 }))
    }

    It 'reports tcx as the kernel version implies (6.6 and later)' {
        $tcx = Get-BpfFeature -Category System -Name Tcx
        $version = [version](((& uname -r) -split '-')[0])
        $tcx.Supported | Should -Be ($version -ge [version]'6.6')
    }

    It 'completes -Name with the names the <Category> probe answers for, not with file names' -ForEach @(
        @{ Category = 'System' }, @{ Category = 'ProgramType' }, @{ Category = 'MapType' }, @{ Category = 'Helper' }
    ) {
        $line = "Get-BpfFeature -Category $Category -Name "
        $offered = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        @($offered | Sort-Object) | Should -Be @(Get-BpfFeature -Category $Category | ForEach-Object Name | Sort-Object)
    }
}

Describe 'Get-BpfFeature -Interface' {
    BeforeAll { $script:net = New-BpfTestNetwork }
    AfterAll { if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false } }

    It 'says which XDP modes <Device> supports, and attaching agrees' -ForEach @(@{ Device = 'veth-b'; Native = $true }, @{ Device = 'lo'; Native = $false }) {
        $ns = $net['B'].NetNamespace
        $rows = Get-BpfFeature -Interface $Device -NetNamespace $ns
        ($rows | Where-Object Name -EQ XdpGeneric).Supported | Should -BeTrue
        ($rows | Where-Object Name -EQ XdpOffload).Supported | Should -BeFalse
        ($rows | Where-Object Name -EQ XdpNative).Supported | Should -Be $Native
        $rows.Interface | Sort-Object -Unique | Should -Be $Device
        $err = $null
        Add-XdpProgram -Interface $Device -NetNamespace $ns -Program pass -Mode Native -ErrorVariable err -ErrorAction SilentlyContinue
        try { [bool](Get-XdpProgram -Interface $Device -NetNamespace $ns) | Should -Be $Native }
        finally { Get-XdpProgram -NetNamespace $ns | Remove-XdpProgram -Confirm:$false }
        if (-not $Native) { $err[0].FullyQualifiedErrorId | Should -BeLike 'XdpNativeNotSupported,*' }
    }
}
