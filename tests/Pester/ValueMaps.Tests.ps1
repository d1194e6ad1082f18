# Maps without keys: queues and stacks are pushed, peeked at and popped, bloom filters pushed to and tested, each
# checked against bpftool's map push/peek/pop in both directions (the module writes and bpftool reads, and the other
# way round). Per-CPU values round-trip: one value is CPU 0's (the other CPUs zeroed), a list is one per CPU, and
# bpftool's per-CPU lookup sees exactly that.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:obj = Import-BpfObject -LiteralPath (Build-TestBpfObject value_maps)
    $script:queue = $obj.Maps | Where-Object Name -EQ vm_queue
    $script:stack = $obj.Maps | Where-Object Name -EQ vm_stack
    $script:bloom = $obj.Maps | Where-Object Name -EQ vm_bloom
    $script:pcpuArray = $obj.Maps | Where-Object Name -EQ vm_pcpu_array
    $script:pcpuHash = $obj.Maps | Where-Object Name -EQ vm_pcpu_hash
    $script:cpus = [int](Get-Content /sys/devices/system/cpu/possible).Split('-')[-1] + 1

    # bpftool prints values without BTF (queues and stacks have none in the kernel) as "0x.." byte strings.
    function ConvertFrom-HexBytes($hex) { [byte[]]@($hex | ForEach-Object { [Convert]::ToByte($_, 16) }) }
    function Get-U32([string] $Verb, $Map) {
        $out = Invoke-Json bpftool -j map $Verb id $Map.Id
        [BitConverter]::ToUInt32((ConvertFrom-HexBytes $out.value), 0)
    }
    function Push-Bpftool($Map, [byte[]] $Bytes) {
        & bpftool map push id $Map.Id value @($Bytes | ForEach-Object { "$_" })
        if ($LASTEXITCODE -ne 0) { throw "bpftool map push failed" }
    }
    function Get-JobBytes([uint32] $Id, [uint16] $Port, [byte] $Prio) {
        [byte[]](@([BitConverter]::GetBytes($Id)) + @([BitConverter]::GetBytes($Port)) + @($Prio, 0))
    }
}

AfterAll {
    if ($obj) { $obj | Remove-BpfObject -Confirm:$false }
    Remove-ScratchState
}

Describe 'Queues: first in, first out, as bpftool pushes and pops' {
    BeforeEach { Clear-BpfMap -InputObject $queue -Confirm:$false }

    It 'pushes with the module, peeks and pops with bpftool in the order pushed' {
        Push-BpfMapEntry -InputObject $queue -Value 11, 12, 13
        Get-U32 peek $queue | Should -Be 11
        (Get-BpfMapEntry -InputObject $queue).Value | Should -Be 11
        Get-U32 pop $queue | Should -Be 11
        Get-U32 pop $queue | Should -Be 12
        (Pop-BpfMapEntry -InputObject $queue).Value | Should -Be 13
    }

    It 'pushes with bpftool, peeks and pops with the module in the order pushed; peeking takes nothing' {
        foreach ($v in 21, 22, 23) { Push-Bpftool $queue ([BitConverter]::GetBytes([uint32]$v)) }
        $peeked = Get-BpfMapEntry -InputObject $queue
        $peeked.Value | Should -Be 21
        $peeked.Key | Should -BeNullOrEmpty
        (Get-BpfMapEntry -InputObject $queue).Value | Should -Be 21
        $popped = @(Pop-BpfMapEntry -InputObject $queue -Count 2)
        $popped.Value | Should -Be @(21, 22)
        Get-U32 peek $queue | Should -Be 23
    }

    It 'an empty queue peeks and pops nothing, without an error, as documented' {
        @(Get-BpfMapEntry -InputObject $queue -ErrorAction Stop) | Should -BeNullOrEmpty
        @(Pop-BpfMapEntry -InputObject $queue -Count 3 -ErrorAction Stop) | Should -BeNullOrEmpty
        & bpftool map pop id $queue.Id 2>$null
        $LASTEXITCODE | Should -Not -Be 0 -Because 'bpftool finds it empty too'
    }

    It 'pops fewer than -Count when it runs empty' {
        Push-BpfMapEntry -InputObject $queue -Value 1, 2
        @(Pop-BpfMapEntry -InputObject $queue -Count 5).Value | Should -Be @(1, 2)
    }

    It 'a full queue is MapFull; -Force drops the oldest to make room, as bpftool then pops' {
        Push-BpfMapEntry -InputObject $queue -Value 1, 2, 3, 4
        (Get-Error { Push-BpfMapEntry -InputObject $queue -Value 5 }).FullyQualifiedErrorId | Should -BeLike 'MapFull,*'
        Get-U32 peek $queue | Should -Be 1 -Because 'the refused push changed nothing'
        Push-BpfMapEntry -InputObject $queue -Value 5 -Force
        $theirs = foreach ($i in 1..4) { Get-U32 pop $queue }
        $theirs | Should -Be @(2, 3, 4, 5)
    }

    It 'raw values are the kernel''s bytes, as bpftool pushes them' {
        Push-Bpftool $queue ([byte[]](1, 2, 3, 4))
        (Pop-BpfMapEntry -InputObject $queue -Raw).Value | Should -Be ([byte[]](1, 2, 3, 4))
    }

    It 'Clear-BpfMap pops every value' {
        Push-BpfMapEntry -InputObject $queue -Value 7, 8, 9
        Clear-BpfMap -InputObject $queue -Confirm:$false
        & bpftool map peek id $queue.Id 2>$null
        $LASTEXITCODE | Should -Not -Be 0
    }

    It 'Receive-BpfEvent on a queue points to Pop-BpfMapEntry' {
        $e = Get-Error { Receive-BpfEvent -InputObject $queue -Count 1 -Timeout 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'EventMapTypeUnsupported,*'
        $e.Exception.Message | Should -Match 'Pop-BpfMapEntry'
    }

    It 'keyed reads and writes are MapHasNoKeys, naming what the map takes' {
        $e = Get-Error { Set-BpfMapEntry -InputObject $queue -Key 0 -Value 1 }
        $e.FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
        $e.Exception.Message | Should -Match 'Push-BpfMapEntry'
        (Get-Error { Get-BpfMapEntry -InputObject $queue -Key 0 }).FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
        (Get-Error { Remove-BpfMapEntry -InputObject $queue -Key 0 }).FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
    }
}

Describe 'Stacks: last in, first out, with struct values from the object''s BTF' {
    BeforeEach { Clear-BpfMap -InputObject $stack -Confirm:$false }

    It 'pushes structs with the module; bpftool pops the newest first, in the struct''s bytes' {
        Push-BpfMapEntry -InputObject $stack -Value @{ id = 1; port = 80; prio = 2 }, @{ id = 2; port = 443; prio = 3 }
        $out = Invoke-Json bpftool -j map peek id $stack.Id
        ConvertFrom-HexBytes $out.value | Should -Be (Get-JobBytes 2 443 3)
        ConvertFrom-HexBytes (Invoke-Json bpftool -j map pop id $stack.Id).value | Should -Be (Get-JobBytes 2 443 3)
        ConvertFrom-HexBytes (Invoke-Json bpftool -j map pop id $stack.Id).value | Should -Be (Get-JobBytes 1 80 2)
    }

    It 'pushes with bpftool; the module pops the newest first, decoded by field' {
        Push-Bpftool $stack (Get-JobBytes 5 53 1)
        Push-Bpftool $stack (Get-JobBytes 6 8080 9)
        $first, $second = @(Pop-BpfMapEntry -InputObject $stack -Count 2)
        $first.Value.id | Should -Be 6
        $first.Value.port | Should -Be 8080
        $first.Value.prio | Should -Be 9
        $second.Value.id | Should -Be 5
        $second.Value.port | Should -Be 53
    }

    It 'what a pop outputs pushes back as the same bytes' {
        Push-BpfMapEntry -InputObject $stack -Value @{ id = 77; port = 7; prio = 1 }
        $e = Pop-BpfMapEntry -InputObject $stack
        Push-BpfMapEntry -InputObject $stack -Value $e.Value
        ConvertFrom-HexBytes (Invoke-Json bpftool -j map peek id $stack.Id).value | Should -Be (Get-JobBytes 77 7 1)
    }
}

Describe 'Bloom filters: pushed to and tested' {
    It 'a value the module pushes tests True; one never pushed tests False' {
        Push-BpfMapEntry -InputObject $bloom -Value 4242
        (Test-BpfMapEntry -InputObject $bloom -Value 4242).MayContain | Should -BeTrue
        # False is certain; with 64 slots and one value a false positive for this value would be a hash collision.
        (Test-BpfMapEntry -InputObject $bloom -Value 99999).MayContain | Should -BeFalse
    }

    It 'a value bpftool pushes tests True with the module' {
        Push-Bpftool $bloom ([BitConverter]::GetBytes([uint32]31337))
        (Test-BpfMapEntry -InputObject $bloom -Value 31337).MayContain | Should -BeTrue
        $answers = @(Test-BpfMapEntry -InputObject $bloom -Value 31337, 4242)
        $answers.Value | Should -Be @(31337, 4242)
        $answers.MayContain | Should -Be @($true, $true)
    }

    It 'cannot be peeked, popped, read or cleared: catalogued errors' {
        (Get-Error { Pop-BpfMapEntry -InputObject $bloom }).FullyQualifiedErrorId | Should -BeLike 'MapNotQueueOrStack,*'
        (Get-Error { Get-BpfMapEntry -InputObject $bloom }).FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
        (Get-Error { Clear-BpfMap -InputObject $bloom -Confirm:$false }).FullyQualifiedErrorId | Should -BeLike 'MapHasNoKeys,*'
    }

    It 'push, pop and test refuse maps with keys' {
        (Get-Error { Push-BpfMapEntry -InputObject $pcpuHash -Value 1 }).FullyQualifiedErrorId | Should -BeLike 'MapNotQueueOrStack,*'
        (Get-Error { Pop-BpfMapEntry -InputObject $pcpuHash }).FullyQualifiedErrorId | Should -BeLike 'MapNotQueueOrStack,*'
        (Get-Error { Test-BpfMapEntry -InputObject $queue -Value 1 }).FullyQualifiedErrorId | Should -BeLike 'MapNotQueueOrStack,*'
    }
}

Describe 'Per-CPU values round-trip: one value is CPU 0''s, a list is one per CPU' {
    It '<Map>: one struct writes CPU 0 and zeroes the others; the summed read gives it back' -ForEach @(
        @{ Map = 'vm_pcpu_array' }, @{ Map = 'vm_pcpu_hash' }
    ) {
        $m = $obj.Maps | Where-Object Name -EQ $Map
        # Every CPU non-zero first, so zeroing is seen rather than assumed.
        Set-BpfMapEntry -InputObject $m -Key 1 -Value @(foreach ($c in 1..$cpus) { @{ packets = 50; bytes = 500 } })
        Set-BpfMapEntry -InputObject $m -Key 1 -Value @{ packets = 7; bytes = 70 }
        $theirs = (Invoke-Json bpftool -j map lookup id $m.Id key 1 0 0 0).formatted.values
        @($theirs).Count | Should -Be $cpus
        foreach ($t in $theirs) {
            $t.value.packets | Should -Be $(if ($t.cpu -eq 0) { 7 } else { 0 })
            $t.value.bytes | Should -Be $(if ($t.cpu -eq 0) { 70 } else { 0 })
        }
        $e = Get-BpfMapEntry -InputObject $m -Key 1
        $e.Value.packets | Should -Be 7
        $e.Value.bytes | Should -Be 70
    }

    It 'a scalar per-CPU value also goes to CPU 0 only: Set 7, Get 7 on any CPU count' {
        $pin = New-ScratchPinPath 'ebpfps-pcpu'
        & bpftool map create $pin type percpu_array key 4 value 8 entries 2 name ebpfps_pcpu
        $LASTEXITCODE | Should -Be 0
        Set-BpfMapEntry -LiteralPath $pin -Key 0 -Value 7
        (Get-BpfMapEntry -LiteralPath $pin -Key 0).Value | Should -Be 7
        $theirs = (Invoke-Json bpftool -j map lookup pinned $pin key 0 0 0 0).values
        foreach ($t in $theirs) {
            [BitConverter]::ToUInt64((ConvertFrom-HexBytes $t.value), 0) | Should -Be $(if ($t.cpu -eq 0) { 7 } else { 0 })
        }
    }

    It 'a list of one value per CPU writes each CPU, as bpftool reads per CPU' {
        $values = foreach ($c in 0..($cpus - 1)) { @{ packets = 10 + $c; bytes = 100 * ($c + 1) } }
        Set-BpfMapEntry -InputObject $pcpuHash -Key 2 -Value $values
        $theirs = (Invoke-Json bpftool -j map lookup id $pcpuHash.Id key 2 0 0 0).formatted.values
        foreach ($t in $theirs) {
            $t.value.packets | Should -Be (10 + $t.cpu)
            $t.value.bytes | Should -Be (100 * ($t.cpu + 1))
        }
        $e = Get-BpfMapEntry -InputObject $pcpuHash -Key 2 -PerCpu
        $e.Value.packets | Should -Be (($theirs.value.packets | Measure-Object -Sum).Sum)
        for ($c = 0; $c -lt $cpus; $c++) { $e.PerCpu[$c].bytes | Should -Be (100 * ($c + 1)) }
    }

    It 'a list of the wrong length is WrongCpuCount, names the CPU count and writes nothing' {
        $values = foreach ($c in 0..$cpus) { @{ packets = 1; bytes = 1 } }
        $e = Get-Error { Set-BpfMapEntry -InputObject $pcpuHash -Key 3 -Value $values }
        $e.FullyQualifiedErrorId | Should -BeLike 'WrongCpuCount,*'
        $e.Exception.Message | Should -Match "over $cpus possible CPUs; $($cpus + 1) values"
        @(Invoke-Json bpftool -j map dump id $pcpuHash.Id | Where-Object { $_.formatted.key -eq 3 }) | Should -BeNullOrEmpty
    }

    It 'the default read''s header says the value is a sum; -PerCpu shows each CPU' {
        Set-BpfMapEntry -InputObject $pcpuArray -Key 0 -Value @{ packets = 3; bytes = 30 }
        $e = Get-BpfMapEntry -InputObject $pcpuArray -Key 0
        $e.PSObject.TypeNames[0] | Should -Be 'EbpfPs.BpfMapEntry#CpuSum'
        ($e | Out-String -Width 120) | Should -Match 'Value \(sum of CPUs\)'
        (Get-BpfMapEntry -InputObject $pcpuArray -Key 0 -PerCpu).PSObject.TypeNames[0] | Should -Be 'EbpfPs.BpfMapEntry#PerCpu'
    }
}
