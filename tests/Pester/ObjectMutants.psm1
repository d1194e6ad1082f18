# Mutated copies of a BPF object for the fuzz test: type ids, string offsets, BTF and .BTF.ext headers,
# ELF and section headers, symbols, relocations and truncations, chosen by a seeded Random so every run
# writes the same files. The object is read here with its own small ELF/BTF walker (little-endian ELF64),
# independent of the module's validator, so the mutants do not inherit that parser's blind spots.

function Read-U16([byte[]] $b, [long] $at) { [BitConverter]::ToUInt16($b, [int]$at) }
function Read-U32([byte[]] $b, [long] $at) { [BitConverter]::ToUInt32($b, [int]$at) }
function Read-U64([byte[]] $b, [long] $at) { [BitConverter]::ToUInt64($b, [int]$at) }

function Get-ObjectLayout([byte[]] $Bytes) {
    # Where every mutable field of the object lives: file offsets grouped by what they mean.
    $shoff = Read-U64 $Bytes 40; $shnum = Read-U16 $Bytes 60; $shstrndx = Read-U16 $Bytes 62
    $sections = for ($i = 0; $i -lt $shnum; $i++) {
        $h = $shoff + 64 * $i
        [pscustomobject]@{ Index = $i; Header = $h; NameOff = Read-U32 $Bytes $h; Type = Read-U32 $Bytes ($h + 4)
            Offset = Read-U64 $Bytes ($h + 24); Size = Read-U64 $Bytes ($h + 32); Link = Read-U32 $Bytes ($h + 40) }
    }
    $names = $sections[$shstrndx]
    foreach ($s in $sections) {
        $start = $names.Offset + $s.NameOff; $end = [Array]::IndexOf($Bytes, [byte]0, [int]$start)
        $s | Add-Member Name ([Text.Encoding]::ASCII.GetString($Bytes, $start, $end - $start))
    }
    $layout = [ordered]@{ Sections = $sections; TypeIds = [Collections.Generic.List[object]]::new()
        NameOffs = [Collections.Generic.List[long]]::new(); Infos = [Collections.Generic.List[long]]::new()
        DatasecFields = [Collections.Generic.List[long]]::new(); Counts = [Collections.Generic.HashSet[long]]::new(); ExtFields = [Collections.Generic.List[long]]::new()
        SymbolFields = [Collections.Generic.List[object]]::new(); RelFields = [Collections.Generic.List[object]]::new() }

    $btf = $sections | Where-Object Name -EQ '.BTF'
    $b = $btf.Offset; $hdrLen = Read-U32 $Bytes ($b + 4)
    $types = $b + $hdrLen + (Read-U32 $Bytes ($b + 8)); $typeEnd = $types + (Read-U32 $Bytes ($b + 12))
    $layout.BtfHeader = $b; $layout.StrLen = Read-U32 $Bytes ($b + 20)
    $strings = $b + $hdrLen + (Read-U32 $Bytes ($b + 16))
    $at = $types; $id = 0; $mapsSec = 0
    $kinds = [Collections.Generic.Dictionary[int, int]]::new()
    while ($at -lt $typeEnd) {
        $id++
        $info = Read-U32 $Bytes ($at + 4); $kind = ($info -shr 24) -band 0x1f; $vlen = $info -band 0xffff
        $kinds[$id] = $kind
        if ($kind -eq 15 -and [Text.Encoding]::ASCII.GetString($Bytes, $strings + (Read-U32 $Bytes $at), 6) -eq ".maps`0") { $mapsSec = $id }
        $layout.NameOffs.Add($at); $layout.Infos.Add($at + 4)
        $tail = $at + 12
        switch ($kind) {
            { $_ -in 2, 8, 9, 10, 11, 12, 14, 17, 18 } { $layout.TypeIds.Add(@{ At = $at + 8; Owner = $id }) }
            3 {
                $layout.TypeIds.Add(@{ At = $tail; Owner = $id }); $layout.TypeIds.Add(@{ At = $tail + 4; Owner = $id })
                foreach ($k in 8..11) { $null = $layout.Counts.Add($tail + $k) }
            }
            { $_ -in 4, 5 } { for ($m = 0; $m -lt $vlen; $m++) { $layout.NameOffs.Add($tail + 12 * $m); $layout.TypeIds.Add(@{ At = $tail + 12 * $m + 4; Owner = $id }) } }
            6 { for ($m = 0; $m -lt $vlen; $m++) { $layout.NameOffs.Add($tail + 8 * $m) } }
            19 { for ($m = 0; $m -lt $vlen; $m++) { $layout.NameOffs.Add($tail + 12 * $m) } }
            13 { $layout.TypeIds.Add(@{ At = $at + 8; Owner = $id }); for ($m = 0; $m -lt $vlen; $m++) { $layout.NameOffs.Add($tail + 8 * $m); $layout.TypeIds.Add(@{ At = $tail + 8 * $m + 4; Owner = $id }) } }
            15 { for ($m = 0; $m -lt $vlen; $m++) { $layout.TypeIds.Add(@{ At = $tail + 12 * $m; Owner = $id }); $layout.DatasecFields.Add($tail + 12 * $m + 4); $layout.DatasecFields.Add($tail + 12 * $m + 8) } }
        }
        $len = switch ($kind) {
            { $_ -in 1, 14, 17 } { 4 } 3 { 12 } 6 { 8 * $vlen } { $_ -in 4, 5, 15, 19 } { 12 * $vlen } 13 { 8 * $vlen } default { 0 }
        }
        $at = $tail + $len
    }
    $layout.TypeCount = $id
    # The fields libbpf's open path follows to read map definitions: the .maps DATASEC's entries, the VARs
    # they name, the definition structs' members and what those members point to.
    $byOwner = $layout.TypeIds | Group-Object { $_.Owner } -AsHashTable
    $mapDef = [Collections.Generic.List[object]]::new()
    $queue = [Collections.Generic.Queue[int]]::new(); $seen = @{}
    if ($mapsSec) { $queue.Enqueue($mapsSec) }
    while ($queue.Count -gt 0) {
        $owner = $queue.Dequeue()
        if ($seen[$owner] -or -not $byOwner[$owner]) { continue }
        $seen[$owner] = $true
        foreach ($f in $byOwner[$owner]) {
            $mapDef.Add($f)
            $target = [int](Read-U32 $Bytes $f.At)
            # Into the definition struct from its VAR, but not into the key and value structs it points to.
            $follow = $owner -eq $mapsSec -or $kinds[$owner] -eq 14 -or ($kinds.ContainsKey($target) -and $kinds[$target] -ne 4)
            if ($follow) { $queue.Enqueue($target) }
        }
    }
    $layout.MapDefIds = $mapDef
    $layout.MapVars = @($mapDef | Where-Object { $kinds[$_.Owner] -eq 14 })
    $layout.Qualifiers = @($layout.TypeIds | Where-Object { $kinds[$_.Owner] -in 8, 9, 10, 11 })

    $ext = $sections | Where-Object Name -EQ '.BTF.ext'
    if ($ext) {
        $e = $ext.Offset; $eh = Read-U32 $Bytes ($e + 4)
        foreach ($f in 4, 8, 12, 16, 20) { $layout.ExtFields.Add($e + $f) }
        foreach ($pair in @(8, 12), @(16, 20)) {
            $off = Read-U32 $Bytes ($e + $pair[0]); $len = Read-U32 $Bytes ($e + $pair[1])
            if ($len -eq 0) { continue }
            $p = $e + $eh + $off; $end = $p + $len; $rec = Read-U32 $Bytes $p
            $layout.ExtFields.Add($p); $p += 4
            while ($p -lt $end) {
                $n = Read-U32 $Bytes ($p + 4); $layout.ExtFields.Add($p); $layout.ExtFields.Add($p + 4); $p += 8
                for ($r = 0; $r -lt $n; $r++) { $layout.ExtFields.Add($p); $layout.ExtFields.Add($p + 4); $p += $rec }
            }
        }
    }

    $symtab = $sections | Where-Object Type -EQ 2
    for ($p = $symtab.Offset + 24; $p -lt $symtab.Offset + $symtab.Size; $p += 24) {
        $layout.SymbolFields.Add(@{ At = $p; Width = 4 }); $layout.SymbolFields.Add(@{ At = $p + 6; Width = 2 })
        $layout.SymbolFields.Add(@{ At = $p + 8; Width = 8 })
    }
    foreach ($rel in $sections | Where-Object Type -EQ 9) {
        for ($p = $rel.Offset; $p -lt $rel.Offset + $rel.Size; $p += 16) {
            $layout.RelFields.Add(@{ At = $p; Width = 8 }); $layout.RelFields.Add(@{ At = $p + 12; Width = 4 })
        }
    }
    [pscustomobject]$layout
}

function Set-Field([byte[]] $b, [long] $at, [int] $width, [uint64] $value) {
    for ($i = 0; $i -lt $width; $i++) { $b[$at + $i] = [byte](($value -shr (8 * $i)) -band 0xff) }
}

function Get-Interesting([Random] $rng, [uint64] $near, [int] $width) {
    # Values that find off-by-one and overflow bugs: just past a limit, all ones, the sign bit, zero, random.
    $max = if ($width -ge 8) { [uint64]::MaxValue } else { ([uint64]1 -shl (8 * $width)) - 1 }
    switch ($rng.Next(7)) {
        0 { $near } 1 { $near + 1 + [uint64]$rng.Next(16) } 2 { $max } 3 { ($max -shr 1) + 1 } 4 { 0 }
        5 { [uint64]$rng.Next() -band $max } default { [uint64][Math]::Max(0, [long]$near - 1) }
    }
}

function New-ObjectMutant {
    <#
    .SYNOPSIS
        Writes Count mutants of the object at Path into Destination; returns one record per file.
    #>
    param(
        [Parameter(Mandatory)][string] $Path,
        [Parameter(Mandatory)][string] $Destination,
        [int] $Count = 400,
        [int] $Seed = 11
    )
    $original = [IO.File]::ReadAllBytes($Path)
    $layout = Get-ObjectLayout $original
    $rng = [Random]::new($Seed)
    $classes = 'MapDefinition', 'MapDefinitionLoop', 'TypeIdOutOfRange', 'TypeIdInRange', 'TypeIdSelf', 'NameOffset', 'TypeInfo', 'BtfHeader', 'BtfExt',
        'DatasecEntry', 'SectionHeader', 'ElfHeader', 'Truncation', 'Symbol', 'Relocation', 'BtfBytes'
    $btfSection = $layout.Sections | Where-Object Name -EQ '.BTF'
    $null = New-Item -ItemType Directory -Force $Destination
    for ($n = 0; $n -lt $Count; $n++) {
        $b = [byte[]]$original.Clone()
        $class = $classes[$n % $classes.Count]
        $what = switch ($class) {
            'TypeIdOutOfRange' {
                $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]
                $v = switch ($rng.Next(3)) { 0 { $layout.TypeCount + 1 } 1 { $layout.TypeCount + 1 + $rng.Next(1000) } default { [uint32]::MaxValue - $rng.Next(4) } }
                Set-Field $b $f.At 4 $v; "type [$($f.Owner)] field at $($f.At) -> id $v"
            }
            'MapDefinition' {
                $f = $layout.MapDefIds[$rng.Next($layout.MapDefIds.Count)]
                $v = switch ($rng.Next(4)) { 0 { $layout.TypeCount + 1 + $rng.Next(8) } 1 { [uint32]::MaxValue - $rng.Next(4) } 2 { $f.Owner } default { $rng.Next(0, $layout.TypeCount + 1) } }
                Set-Field $b $f.At 4 $v; "map definition: type [$($f.Owner)] field at $($f.At) -> id $v"
            }
            'MapDefinitionLoop' {
                # A map's VAR names a typedef or qualifier that names itself: libbpf 1.1 skips typedefs and
                # qualifiers in a loop with no bound, so this hangs it (in native code, deaf to Ctrl+C).
                $var = $layout.MapVars[$rng.Next($layout.MapVars.Count)]; $q = $layout.Qualifiers[$rng.Next($layout.Qualifiers.Count)]
                Set-Field $b $var.At 4 $q.Owner; Set-Field $b $q.At 4 $q.Owner
                "map definition: VAR [$($var.Owner)] -> type [$($q.Owner)] -> itself"
            }
            'TypeIdInRange' {
                $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]; $v = $rng.Next(0, $layout.TypeCount + 1)
                Set-Field $b $f.At 4 $v; "type [$($f.Owner)] field at $($f.At) -> id $v"
            }
            'TypeIdSelf' {
                $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]
                Set-Field $b $f.At 4 $f.Owner; "type [$($f.Owner)] field at $($f.At) -> itself"
            }
            'NameOffset' {
                $at = $layout.NameOffs[$rng.Next($layout.NameOffs.Count)]
                $v = if ($rng.Next(2)) { Get-Interesting $rng $layout.StrLen 4 } else { [uint64]$rng.Next([int]$layout.StrLen) }
                Set-Field $b $at 4 $v; "name offset at $at -> $v"
            }
            'TypeInfo' {
                $at = $layout.Infos[$rng.Next($layout.Infos.Count)]; $info = Read-U32 $b $at
                $v = [uint64]$info
                switch ($rng.Next(3)) {
                    0 { $v = ($v -band [uint64]0xe0ffffffL) -bor ([uint64]$rng.Next(32) -shl 24) }
                    1 { $v = ($v -band [uint64]0xffff0000L) -bor ((($v -band 0xffff) + 1 + $rng.Next(300)) -band 0xffff) }
                    default { $v = $v -bxor ([uint64]1 -shl $rng.Next(32)) }
                }
                Set-Field $b $at 4 $v; "info word at $at -> 0x$('{0:x8}' -f [uint32]$v)"
            }
            'BtfHeader' {
                $field = $rng.Next(7)
                $at = $layout.BtfHeader + @(0, 2, 4, 8, 12, 16, 20)[$field]
                $width = if ($field -eq 0) { 2 } elseif ($field -eq 1) { 1 } else { 4 }
                $v = Get-Interesting $rng ($btfSection.Size) $width
                Set-Field $b $at $width $v; "BTF header field $field -> $v"
            }
            'BtfExt' {
                $at = $layout.ExtFields[$rng.Next($layout.ExtFields.Count)]; $v = Get-Interesting $rng (Read-U32 $b $at) 4
                Set-Field $b $at 4 $v; ".BTF.ext field at $at -> $v"
            }
            'DatasecEntry' {
                $at = $layout.DatasecFields[$rng.Next($layout.DatasecFields.Count)]; $v = Get-Interesting $rng 4096 4
                Set-Field $b $at 4 $v; "DATASEC entry field at $at -> $v"
            }
            'SectionHeader' {
                $s = $layout.Sections[$rng.Next(1, $layout.Sections.Count)]
                $field = @(@(0, 4), @(4, 4), @(24, 8), @(32, 8), @(40, 4), @(44, 4), @(56, 8))[$rng.Next(7)]
                $v = Get-Interesting $rng ([uint64]$b.Length) $field[1]
                Set-Field $b ($s.Header + $field[0]) $field[1] $v; "section $($s.Index) ($($s.Name)) header +$($field[0]) -> $v"
            }
            'ElfHeader' {
                $field = @(@(4, 1), @(5, 1), @(16, 2), @(18, 2), @(40, 8), @(52, 2), @(58, 2), @(60, 2), @(62, 2))[$rng.Next(9)]
                $v = Get-Interesting $rng (Read-U16 $b 60) $field[1]
                Set-Field $b $field[0] $field[1] $v; "ELF header +$($field[0]) -> $v"
            }
            'Truncation' {
                $s = $layout.Sections[$rng.Next(1, $layout.Sections.Count)]
                $cut = if ($rng.Next(2)) { [int]($s.Offset + $rng.Next([int][Math]::Max(1, $s.Size))) } else { $rng.Next(1, $b.Length) }
                $short = [byte[]]::new($cut); [Array]::Copy($b, $short, $cut); $b = $short
                "truncated to $cut bytes (in or near $($s.Name))"
            }
            'Symbol' {
                $f = $layout.SymbolFields[$rng.Next($layout.SymbolFields.Count)]
                $v = Get-Interesting $rng ([uint64]$layout.Sections.Count) $f.Width
                Set-Field $b $f.At $f.Width $v; "symbol field at $($f.At) -> $v"
            }
            'Relocation' {
                $f = $layout.RelFields[$rng.Next($layout.RelFields.Count)]
                $v = Get-Interesting $rng 64 $f.Width
                Set-Field $b $f.At $f.Width $v; "relocation field at $($f.At) -> $v"
            }
            'BtfBytes' {
                # Not in array element counts: map sizes are written as those, and a map of a billion entries
                # is valid input that would only measure how the kernel copes with running out of memory.
                $flips = 1 + $rng.Next(4)
                for ($k = 0; $k -lt $flips; $k++) {
                    do { $at = $btfSection.Offset + $rng.Next([int]$btfSection.Size) } while ($layout.Counts.Contains($at))
                    $b[$at] = [byte]$rng.Next(256)
                }
                "$flips random bytes in .BTF"
            }
        }
        $file = Join-Path $Destination ('m{0:d4}-{1}.o' -f $n, $class)
        [IO.File]::WriteAllBytes($file, $b)
        [pscustomobject]@{ Path = $file; Class = $class; Mutation = $what }
    }
}

Export-ModuleMember -Function New-ObjectMutant
