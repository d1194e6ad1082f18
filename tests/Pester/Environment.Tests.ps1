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
