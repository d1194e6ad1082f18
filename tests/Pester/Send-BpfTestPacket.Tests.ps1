# Send-BpfTestPacket with a large -Count says how far it got and stops on Ctrl+C (that frames arrive is checked by
# a counting program in Invoke-BpfProgramTest.Tests.ps1).
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:net = New-BpfTestNetwork
    $script:a = $net['A']
}

AfterAll {
    if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false }
}

Describe 'Send-BpfTestPacket' {
    It 'a -Count that would take hours shows progress and stops on Ctrl+C' {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$((Get-Module EbpfPs).ModuleBase)/EbpfPs.psd1'; New-BpfTestPacket -FrameLength 60 | Send-BpfTestPacket -Interface $($a.Interface) -NetNamespace $($a.NetNamespace) -Count 1000000000000")
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        $seen = [Collections.Generic.List[object]]::new()
        do { Start-Sleep -Milliseconds 200; $seen.AddRange(@($ps.Streams.Progress.ReadAll())) }
        until (@($seen | Where-Object StatusDescription -Match 'frames sent').Count -gt 0 -or [DateTime]::UtcNow -gt $deadline)
        @($seen | Where-Object StatusDescription -Match '^[\d,]+ of 1,000,000,000,000 frames sent$').Count | Should -BeGreaterThan 0
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
    }
}
