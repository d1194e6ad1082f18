# What a user sees on a machine that is not ready: no libbpf, no bpffs. Each case runs a child pwsh in
# a private mount namespace (unshare -m), so hiding the library or unmounting bpffs affects only it.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    function Invoke-InPrivateMounts([string] $Prepare, [string] $Script) {
        $file = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-env-$PID.ps1"
        Set-Content $file "Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; $Script"
        try { & unshare -m --propagation private sh -c "$Prepare && '$([Environment]::ProcessPath)' '$PSHOME/pwsh.dll' -NoProfile -NonInteractive -File '$file'" 2>&1 }
        finally { Remove-Item $file }
    }
}

Describe 'A machine that is not ready' {
    It 'without libbpf.so.1: a terminating LibbpfNotFound error naming the package, not a DllNotFoundException' {
        $lib = (& ldconfig -p | Select-String 'libbpf.so.1 ' | ForEach-Object { ($_ -split '=> ')[-1].Trim() } | Select-Object -First 1)
        $lib | Should -Not -BeNullOrEmpty
        $real = (Resolve-Path $lib).ProviderPath
        $out = Invoke-InPrivateMounts "mount --bind /dev/null '$real'" "try { Get-BpfProgram -ErrorAction Stop; 'no error' } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.ErrorDetails.RecommendedAction; `$_.Exception.GetType().Name }"
        $out[0] | Should -BeLike 'LibbpfNotFound,*'
        $out[1] | Should -Be 'NotInstalled'
        $out[2] | Should -Match 'apt-get install libbpf1'
        $out[3] | Should -Be 'BpfException'
    }

    It 'without bpffs: pinning is refused with the mount command as the fix, and nothing is loaded' {
        $tiny = Build-TestBpfObject tiny_xdp
        $out = Invoke-InPrivateMounts 'umount /sys/fs/bpf' "try { Import-BpfObject -LiteralPath '$tiny' -PinPath /sys/fs/bpf/ebpfps-x -ErrorAction Stop; 'no error' } catch { `$_.FullyQualifiedErrorId; `$_.ErrorDetails.RecommendedAction }; (Get-BpfFeature -Category System -Name BpfFs).Supported"
        $out[0] | Should -BeLike 'PinPathNotOnBpfFs,*'
        $out[1] | Should -Match 'mount -t bpf bpf /sys/fs/bpf'
        $out[2] | Should -Be 'False'
        Test-Path /sys/fs/bpf/ebpfps-x | Should -BeFalse
    }
}

Describe 'A process without capabilities' {
    It 'every cmdlet that needs them stops with PermissionDenied and the fix, before it does anything' {
        # Root, but with every capability dropped (capsh --drop=all): a file's owner still, the kernel's root no more.
        $cases = [ordered]@{
            'Import-BpfObject' = '{ Import-BpfObject -Program drop }'; 'Get-BpfProgram' = '{ Get-BpfProgram }'
            'Remove-BpfProgram' = '{ Remove-BpfProgram -LiteralPath /sys/fs/bpf/ebpfps-none -Confirm:$false }'
            'Get-BpfMap' = '{ Get-BpfMap }'; 'Get-BpfMapEntry' = '{ Get-BpfMapEntry -Id 1 }'
            'Set-BpfMapEntry' = '{ Set-BpfMapEntry -Id 1 -Key 0 -Value 0 }'; 'Remove-BpfMapEntry' = '{ Remove-BpfMapEntry -Id 1 -Key 0 }'
            'Clear-BpfMap' = '{ Clear-BpfMap -Id 1 -Confirm:$false }'; 'Watch-BpfMap' = '{ Watch-BpfMap -Id 1 -Count 1 }'
            'Add-XdpProgram' = '{ Add-XdpProgram lo -Program drop }'; 'Get-XdpProgram' = '{ Get-XdpProgram }'
            'Remove-XdpProgram' = '{ Remove-XdpProgram lo }'; 'Add-TcProgram' = '{ Add-TcProgram lo -Program drop }'
            'Get-TcProgram' = '{ Get-TcProgram }'; 'Remove-TcProgram' = '{ Remove-TcProgram lo }'
            'Invoke-BpfProgramTest' = '{ Invoke-BpfProgramTest -Program drop -Packet (New-BpfTestPacket) }'
            'Send-BpfTestPacket' = '{ New-BpfTestPacket | Send-BpfTestPacket -Interface lo -NetNamespace ebpfps-none }'
            'Measure-HookThroughput' = '{ Measure-HookThroughput -Program drop -Duration 0.1 }'
            'New-BpfTestNetwork' = '{ New-BpfTestNetwork }'; 'Remove-BpfTestNetwork' = '{ Remove-BpfTestNetwork ebpfps-none }'
            'Get-BpfFeature' = '{ Get-BpfFeature -Category System }'; 'Enable-BpfStatistics' = '{ Enable-BpfStatistics }'
            'Disable-BpfStatistics' = '{ Disable-BpfStatistics }'
        }
        $script = ($cases.GetEnumerator() | ForEach-Object {
            "try { `$null = & $($_.Value) -ErrorAction Stop; '$($_.Key) no error' } catch { '$($_.Key) ' + `$_.CategoryInfo.Category + ' ' + [bool](`$_.ErrorDetails.RecommendedAction -match 'CAP_') }"
        }) -join '; '
        $before = Get-KernelSnapshot
        $out = Wait-ChildPwsh (Start-ChildPwsh $script -Prefix 'capsh', '--drop=all', '--', '-c', '"$0" "$@"')
        foreach ($name in $cases.Keys) { $out | Should -Contain "$name PermissionDenied True" -Because ($out -join "`n") }
        # The cmdlets that need nothing still work: packets are bytes in memory, test networks are read from files.
        $free = Wait-ChildPwsh (Start-ChildPwsh "(New-BpfTestPacket).Bytes.Count; @(Get-BpfTestNetwork).Count -ge 0" -Prefix 'capsh', '--drop=all', '--', '-c', '"$0" "$@"')
        $free | Should -Be @('42', 'True')
        Compare-KernelSnapshot -Before $before | Should -BeNullOrEmpty -Because 'New-BpfTestNetwork made nothing'
    }
}
