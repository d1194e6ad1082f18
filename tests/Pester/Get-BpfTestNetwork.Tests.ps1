# Whose network is it: the maker's pid and start time are recorded, -Mine and -OlderThan filter on them, and
# a network another live process made is removed only with -Force. The other process is a child pwsh.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:mine = New-BpfTestNetwork
    $script:theirsName = "ebpfps-o$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $ready = Join-Path ([IO.Path]::GetTempPath()) "$theirsName.ready"
    $module = Join-Path (Get-Module EbpfPs).ModuleBase 'EbpfPs.psd1'
    $script:other = Start-Process -PassThru -FilePath ([Environment]::ProcessPath) -ArgumentList @(
        "$PSHOME/pwsh.dll", '-NoProfile', '-NonInteractive', '-Command',
        "Import-Module '$module'; `$null = New-BpfTestNetwork $theirsName; Set-Content '$ready' x; Start-Sleep 120")
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while (-not (Test-Path $ready) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    Remove-Item $ready -ErrorAction Ignore
}

AfterAll {
    if ($other -and -not $other.HasExited) { $other.Kill() }
    if ($mine) { Remove-BpfTestNetwork $mine.Name -Confirm:$false }
    if (Get-BpfTestNetwork $theirsName) { Remove-BpfTestNetwork $theirsName -Force -Confirm:$false }
    Remove-ScratchState
}

Describe 'Get-BpfTestNetwork and Remove-BpfTestNetwork: who made a network' {
    It 'records the maker''s pid, its start time from /proc and when' {
        $n = Get-BpfTestNetwork $mine.Name
        $n.CreatorProcessId | Should -Be $PID
        $n.CreatorStartTicks | Should -Be ([uint64]((Get-Content "/proc/$PID/stat" -Raw) -replace '^.*\) ' -split ' ')[19])
        $n.CreatorRunning | Should -BeTrue
        $n.Mine | Should -BeTrue
        $n.CreatedAt | Should -BeGreaterThan ([datetime]::Now.AddMinutes(-5))
        $t = Get-BpfTestNetwork $theirsName
        $t.CreatorProcessId | Should -Be $other.Id
        $t.Mine | Should -BeFalse
        $t.CreatorRunning | Should -BeTrue
    }

    It '-Mine lists this session''s networks only; -OlderThan only older ones' {
        @(Get-BpfTestNetwork -Mine).Name | Should -Contain $mine.Name
        @(Get-BpfTestNetwork -Mine).Name | Should -Not -Contain $theirsName
        @(Get-BpfTestNetwork -OlderThan 3600).Name | Should -Not -Contain $mine.Name
        @(Get-BpfTestNetwork -Mine -OlderThan 0).Name | Should -Contain $mine.Name
    }

    It 'refuses to remove another live process''s network without -Force, and removes it with' {
        $e = Get-Error { Remove-BpfTestNetwork $theirsName -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'TestNetworkInUse,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceBusy'
        "$e" | Should -Match "process $($other.Id) "
        (& ip netns list) -join "`n" | Should -Match "$theirsName-a"
        Remove-BpfTestNetwork $theirsName -Force -Confirm:$false
        (& ip netns list) -join "`n" | Should -Not -Match "$theirsName-a"
        Get-BpfTestNetwork $theirsName | Should -BeNullOrEmpty
    }
}
