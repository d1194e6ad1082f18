# Pinning what is loaded already (bpftool prog/map/link pin), cross-checked with `bpftool -j -f ... show` (whose
# pinned field lists an object's pins) and by the pins outliving the objects that loaded them.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    function Get-Pinned([string] $Kind, [uint32] $Id) { @((Invoke-Json bpftool -j -f $Kind show id $Id).pinned) }
}

AfterAll {
    Remove-ScratchState
}

Describe 'New-BpfPin' {
    BeforeEach {
        $script:obj = Import-BpfObject -Program count_pass -Hook Xdp
        $script:dir = New-ScratchPinPath 'ebpfps-k4-pin'
    }
    AfterEach {
        if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
        Remove-ScratchState
    }

    It 'pins a program by id, in folders it makes; the pin keeps the program after its loader lets go' {
        $id = $obj.Programs[0].Id
        $pin = "$dir/a/b/count_pass"
        $made = New-BpfPin -ProgramId $id -LiteralPath $pin
        ($made.Path, $made.Kind, $made.Id, $made.Name) | Should -Be @($pin, 'Program', $id, 'count_pass')
        Get-Pinned prog $id | Should -Contain $pin
        (Invoke-Json bpftool -j prog show pinned $pin).id | Should -Be $id

        $obj | Remove-BpfObject -Confirm:$false
        $script:obj = $null
        (Invoke-Json bpftool -j prog show id $id).id | Should -Be $id -Because 'the pin holds it'
        Remove-Item $pin
        Wait-ProgramGone $id
        @(Invoke-Json bpftool -j prog show | Where-Object id -EQ $id) | Should -BeNullOrEmpty
    }

    It 'pins maps and programs from the pipeline, as Get-BpfMap then shows' {
        $map = $obj.Maps | Where-Object Name -EQ counters
        $pins = @(
            $map | New-BpfPin -Path "$dir/counters"
            Get-BpfProgram -Id $obj.Programs[0].Id | New-BpfPin -Path "$dir/prog"
            Get-BpfMap -Id $map.Id | New-BpfPin -Path "$dir/counters-again"
        )
        $pins.Kind | Should -Be @('Map', 'Program', 'Map')
        Get-Pinned map $map.Id | Should -Contain "$dir/counters"
        Get-Pinned map $map.Id | Should -Contain "$dir/counters-again"
        (Get-BpfMap -LiteralPath "$dir/counters").Id | Should -Be $map.Id
        (Invoke-Json bpftool -j map show pinned "$dir/counters").name | Should -Be 'counters'
    }

    It 'pins a tcx link, as bpftool link pin does' {
        $net = New-BpfTestNetwork -Topology Pair -Name "k4-pin-$PID"
        try {
            $added = Add-TcProgram -Program $obj.Programs[0].Name -Interface veth-a -NetNamespace $net['A'].NetNamespace -Mode Tcx -PassThru
            $pin = Get-BpfLink -Id $added.LinkId | New-BpfPin -LiteralPath "$dir/link"
            ($pin.Kind, $pin.Name) | Should -Be @('Link', 'tcx')
            Get-Pinned link $added.LinkId | Should -Contain "$dir/link"
        }
        finally { Remove-BpfTestNetwork $net.Name -Confirm:$false }
    }

    It 'refuses a path taken unless -Force, and -Force replaces the pin' {
        $map = $obj.Maps | Where-Object Name -EQ counters
        $null = New-BpfPin -MapId $map.Id -LiteralPath "$dir/x"
        $e = Get-Error { New-BpfPin -ProgramId $obj.Programs[0].Id -LiteralPath "$dir/x" }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinExists,*'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        (Invoke-Json bpftool -j map show pinned "$dir/x").id | Should -Be $map.Id -Because 'the old pin is untouched'

        $null = New-BpfPin -ProgramId $obj.Programs[0].Id -LiteralPath "$dir/x" -Force
        (Invoke-Json bpftool -j prog show pinned "$dir/x").id | Should -Be $obj.Programs[0].Id
        Get-Pinned map $map.Id | Should -Not -Contain "$dir/x"
    }

    It 'refuses a path off bpffs, an object that is not loaded, and a piped object of another kind, leaving nothing' {
        $e = Get-Error { New-BpfPin -ProgramId $obj.Programs[0].Id -LiteralPath "/tmp/ebpfps-k4-$PID" }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinPathNotOnBpfFs,*'
        Test-Path "/tmp/ebpfps-k4-$PID" | Should -BeFalse

        $e = Get-Error { New-BpfPin -MapId 4000000000 -LiteralPath "$dir/new/m" }
        $e.FullyQualifiedErrorId | Should -BeLike 'BpfMapNotFound,*'
        Test-Path $dir | Should -BeFalse -Because 'no folder is made for a pin that cannot be made'

        $e = Get-Error { 'text' | New-BpfPin -LiteralPath "$dir/t" }
        $e.FullyQualifiedErrorId | Should -BeLike 'NotAPinnableObject,*'

        $e = Get-Error { New-BpfPin -ProgramId $obj.Programs[0].Id -LiteralPath "$dir/x/y" -WhatIf; New-Item -ItemType Directory $dir | Out-Null; New-BpfPin -ProgramId $obj.Programs[0].Id -LiteralPath $dir }
        $e.FullyQualifiedErrorId | Should -BeLike 'PinExists,*'
        @(Get-ChildItem $dir) | Should -BeNullOrEmpty -Because '-WhatIf pinned nothing'
    }
}
