# Scratch loads of Test-BpfState and Set-BpfState (issue 21 item 3): a run learns a program's tag by loading its
# object with pins in a scratch folder on bpffs, and kill -9 in the middle left that folder, and the maps its pins
# hold, in the kernel for good. Folders are named after their owner (pid namespace, pid, start time), and every
# state run first removes the ones whose owner is gone; folders of running owners, and folders whose owner cannot
# be told that are younger than ten minutes, stay.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    # Two programs the verifier takes a while over and a map pinned by name: libbpf pins the map in the scratch
    # folder before the verifier starts, so the folder holds a pin for as long as the load lasts.
    $script:object = Build-TestBpfObject -Name slow_verify
    $script:ns = New-ScratchNamespace 'ebpfps-h2'
    $script:statePath = New-StateFile @"
@{ Programs = @{ Object = '$object'; Program = 'slow_verify'; Hook = 'XdpGeneric'; Interfaces = 'lo'; NetNamespace = '$ns' } }
"@ 'slow.psd1'
    $script:pidNs = [regex]::Match((Get-Item /proc/self/ns/pid).LinkTarget, '^pid:\[(\d+)\]$').Groups[1].Value
    # Field 22 of /proc/PID/stat, counted after the ')' that ends the command name.
    $script:ownStart = ((Get-Content -Raw "/proc/$PID/stat") -replace '^.*\) ', '').Split(' ')[19]
    $script:made = [System.Collections.Generic.List[string]]::new()

    function Get-PinnedIds([string] $Folder) {
        # What each pin in the folder holds, as bpftool says: @{ Kind = 'map'|'prog'; Id = n }.
        foreach ($pin in Get-ChildItem -LiteralPath $Folder -File -Recurse) {
            foreach ($kind in 'map', 'prog') {
                $info = & bpftool -j $kind show pinned $pin.FullName 2>$null
                if ($LASTEXITCODE -eq 0) { [pscustomobject]@{ Kind = $kind; Id = ($info | ConvertFrom-Json).id }; break }
            }
        }
    }

    function Test-KernelHas([string] $Kind, [uint32] $Id) {
        $null = & bpftool -j $Kind show id $Id 2>$null
        $LASTEXITCODE -eq 0
    }

    function Wait-Gone([object[]] $Objects, [int] $TimeoutMs = 10000) {
        # The kernel frees a map or program a little after its last reference goes; poll, don't sleep.
        $deadline = [DateTime]::UtcNow.AddMilliseconds($TimeoutMs)
        do {
            $left = @($Objects | Where-Object { Test-KernelHas $_.Kind $_.Id })
            if ($left.Count -eq 0) { return $true }
            Start-Sleep -Milliseconds 50
        } while ([DateTime]::UtcNow -lt $deadline)
        return $false
    }

    function New-Folder([string] $Name) {
        $path = "/sys/fs/bpf/$Name"
        $null = New-Item -ItemType Directory $path
        $made.Add($path)
        $path
    }

    function New-Hex([int] $Length) { [guid]::NewGuid().ToString('N').Substring(0, $Length) }
}

AfterAll {
    foreach ($path in $made) { Remove-Item -LiteralPath $path -Recurse -Force -ErrorAction SilentlyContinue }
    Remove-ScratchState
}

Describe 'Scratch loads of a killed state run' {
    It 'kill -9 of Test-BpfState mid-load, then any state cmdlet: the scratch folder and its pins are gone, and so are the maps they held' {
        $left = $null
        # A try can miss the window (the load ends between the look and the kill): then the folder is gone, as it
        # should be, and the scenario is tried again.
        foreach ($try in 1..3) {
            $child = Start-ChildPwsh "Test-BpfState -LiteralPath '$statePath'"
            try {
                $pattern = "ebpfps-state-$pidNs-$($child.Process.Id)-*"
                $deadline = [DateTime]::UtcNow.AddSeconds(120)
                $folder = $null
                while (-not $folder -and -not $child.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                    $folder = Get-ChildItem /sys/fs/bpf -Directory -Filter $pattern |
                        Where-Object { @(Get-ChildItem -LiteralPath $_.FullName).Count -gt 0 } | Select-Object -First 1
                    if (-not $folder) { Start-Sleep -Milliseconds 5 }
                }
                $folder | Should -Not -BeNullOrEmpty -Because 'the child''s scratch folder appears, with a pin in it, while it loads'
                $made.Add($folder.FullName)
                & kill -9 $child.Process.Id
            }
            finally {
                if (-not $child.Process.HasExited) { $child.Process.Kill() }
                $child.Process.WaitForExit()
            }
            if (Test-Path -LiteralPath $folder.FullName) { $left = $folder.FullName; break }
        }
        $left | Should -Not -BeNullOrEmpty -Because 'a kill mid-load leaves the scratch folder behind'
        $held = @(Get-PinnedIds $left)
        $held.Count | Should -BeGreaterThan 0
        @($held | Where-Object { -not (Test-KernelHas $_.Kind $_.Id) }) | Should -BeNullOrEmpty

        # Any state run sweeps it: here one with nothing in it.
        @(Test-BpfState -State @{ Maps = @() }) | Should -BeNullOrEmpty
        $left | Should -Not -Exist
        Wait-Gone $held | Should -BeTrue -Because "nothing holds $(($held | ForEach-Object { "$($_.Kind) $($_.Id)" }) -join ', ') any more"
    }
}

Describe 'Which scratch folders a state run sweeps' {
    It 'takes those of dead owners and old unowned ones, and leaves running owners'' and young unowned ones (<Command>)' -ForEach @(
        @{ Command = 'Test-BpfState' }, @{ Command = 'Set-BpfState' }) {
        $mine = New-Folder "ebpfps-state-$pidNs-$PID-$ownStart-$(New-Hex 8)"
        # A pid above any pid_max never runs; the same pid with another start time is a later process.
        $dead = New-Folder "ebpfps-state-$pidNs-2147483647-$ownStart-$(New-Hex 8)"
        $reused = New-Folder "ebpfps-state-$pidNs-$PID-$([uint64]$ownStart + 1)-$(New-Hex 8)"
        $otherNs = New-Folder "ebpfps-state-1-2147483647-1-$(New-Hex 8)"
        $youngUnowned = New-Folder "ebpfps-state-$(New-Hex 12)"
        $oldUnowned = New-Folder "ebpfps-state-$(New-Hex 12)"
        $notOurs = New-Folder "ebpfps-state-h2-$(New-Hex 8)"
        & touch -d '-20 minutes' $oldUnowned
        & touch -d '-20 minutes' $notOurs

        $extra = if ($Command -eq 'Set-BpfState') { @{ Confirm = $false } } else { @{} }
        @(& $Command -State @{ Maps = @() } @extra) | Should -BeNullOrEmpty

        $mine | Should -Exist
        $otherNs | Should -Exist
        $youngUnowned | Should -Exist
        $notOurs | Should -Exist
        $dead | Should -Not -Exist
        $reused | Should -Not -Exist
        $oldUnowned | Should -Not -Exist
    }

    It 'sweeps before it reads the state, so a run with a bad state sweeps too' {
        $dead = New-Folder "ebpfps-state-$pidNs-2147483647-$ownStart-$(New-Hex 8)"
        (Get-Error { Test-BpfState -State @{ Nonsense = 1 } }).FullyQualifiedErrorId | Should -BeLike 'InvalidStateFile,*'
        $dead | Should -Not -Exist
    }
}
