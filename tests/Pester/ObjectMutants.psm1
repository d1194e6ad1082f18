# Mutated copies of a BPF object for the fuzz test: map definitions, type ids, string offsets, type info
# words, BTF and .BTF.ext headers, DATASEC entries, ELF and section headers, symbols, relocations and
# truncations, chosen by a seeded Random so every run writes the same files. The object is read with its
# own small ELF/BTF walker (little-endian ELF64), independent of the module's validator, so the mutants do
# not inherit that parser's blind spots.

$script:Classes = @('MapDefinition', 'MapDefinitionLoop', 'TypeIdOutOfRange', 'TypeIdInRange', 'TypeIdSelf',
    'NameOffset', 'TypeInfo', 'BtfHeader', 'BtfExt', 'DatasecEntry', 'SectionHeader', 'ElfHeader', 'Truncation',
    'Symbol', 'Relocation', 'BtfBytes')

function Read-U16([byte[]] $b, [long] $at) { [BitConverter]::ToUInt16($b, [int]$at) }
function Read-U32([byte[]] $b, [long] $at) { [BitConverter]::ToUInt32($b, [int]$at) }
function Read-U64([byte[]] $b, [long] $at) { [BitConverter]::ToUInt64($b, [int]$at) }
function New-List([type] $Of = [object]) { , ([Collections.Generic.List`1].MakeGenericType($Of)::new()) }

function Get-ObjectLayout([byte[]] $Bytes) {
    # Where every mutable field of the object lives: file offsets grouped by what they mean.
    $shoff = Read-U64 $Bytes 40; $shnum = Read-U16 $Bytes 60; $shstrndx = Read-U16 $Bytes 62
    $sections = for ($i = 0; $i -lt $shnum; $i++) {
        $h = $shoff + 64 * $i
        [pscustomobject]@{
            Index = $i; Header = $h; NameOff = Read-U32 $Bytes $h; Type = Read-U32 $Bytes ($h + 4)
            Offset = Read-U64 $Bytes ($h + 24); Size = Read-U64 $Bytes ($h + 32)
        }
    }
    $names = $sections[$shstrndx]
    foreach ($s in $sections) {
        $start = $names.Offset + $s.NameOff; $end = [Array]::IndexOf($Bytes, [byte]0, [int]$start)
        $s | Add-Member Name ([Text.Encoding]::ASCII.GetString($Bytes, $start, $end - $start))
    }
    $layout = [pscustomobject]@{
        Sections = $sections; TypeIds = New-List; NameOffs = New-List long; Infos = New-List long
        DatasecFields = New-List long; Counts = [Collections.Generic.HashSet[long]]::new(); ExtFields = New-List long
        SymbolFields = New-List; RelFields = New-List; Kinds = [Collections.Generic.Dictionary[int, int]]::new()
        BtfHeader = 0; StrLen = 0; TypeCount = 0; MapsSec = 0; MapDefIds = $null; MapVars = $null; Qualifiers = $null
    }
    Add-BtfFields $Bytes $layout ($sections | Where-Object Name -EQ '.BTF')
    Add-MapDefinitionFields $Bytes $layout
    Add-BtfExtFields $Bytes $layout ($sections | Where-Object Name -EQ '.BTF.ext')
    Add-TableFields $layout $sections
    $layout
}

function Add-BtfFields([byte[]] $Bytes, $Layout, $Btf) {
    # Walks the type records: kinds 2,8-12,14,17,18 hold one id in the header, the others in their tails.
    $b = $Btf.Offset; $hdrLen = Read-U32 $Bytes ($b + 4)
    $types = $b + $hdrLen + (Read-U32 $Bytes ($b + 8)); $typeEnd = $types + (Read-U32 $Bytes ($b + 12))
    $strings = $b + $hdrLen + (Read-U32 $Bytes ($b + 16))
    $Layout.BtfHeader = $b; $Layout.StrLen = Read-U32 $Bytes ($b + 20)
    $at = $types; $id = 0
    while ($at -lt $typeEnd) {
        $id++
        $info = Read-U32 $Bytes ($at + 4); $kind = ($info -shr 24) -band 0x1f; $vlen = $info -band 0xffff
        $Layout.Kinds[$id] = $kind
        $name = [Text.Encoding]::ASCII.GetString($Bytes, $strings + (Read-U32 $Bytes $at), 6)
        if ($kind -eq 15 -and $name -eq ".maps`0") { $Layout.MapsSec = $id }
        $Layout.NameOffs.Add($at); $Layout.Infos.Add($at + 4)
        $tail = $at + 12
        $ids = switch ($kind) {
            { $_ -in 2, 8, 9, 10, 11, 12, 14, 17, 18 } { $at + 8 }
            3 { $tail, ($tail + 4); foreach ($k in 8..11) { $null = $Layout.Counts.Add($tail + $k) } }
            { $_ -in 4, 5 } {
                for ($m = 0; $m -lt $vlen; $m++) { $Layout.NameOffs.Add($tail + 12 * $m); $tail + 12 * $m + 4 }
            }
            6 { for ($m = 0; $m -lt $vlen; $m++) { $Layout.NameOffs.Add($tail + 8 * $m) } }
            19 { for ($m = 0; $m -lt $vlen; $m++) { $Layout.NameOffs.Add($tail + 12 * $m) } }
            13 {
                $at + 8
                for ($m = 0; $m -lt $vlen; $m++) { $Layout.NameOffs.Add($tail + 8 * $m); $tail + 8 * $m + 4 }
            }
            15 {
                for ($m = 0; $m -lt $vlen; $m++) {
                    $tail + 12 * $m
                    $Layout.DatasecFields.Add($tail + 12 * $m + 4); $Layout.DatasecFields.Add($tail + 12 * $m + 8)
                }
            }
        }
        foreach ($field in $ids) { $Layout.TypeIds.Add(@{ At = $field; Owner = $id }) }
        $at = $tail + $(switch ($kind) {
                { $_ -in 1, 14, 17 } { 4 } 3 { 12 } { $_ -in 6, 13 } { 8 * $vlen }
                { $_ -in 4, 5, 15, 19 } { 12 * $vlen } default { 0 }
            })
    }
    $Layout.TypeCount = $id
}

function Add-MapDefinitionFields([byte[]] $Bytes, $Layout) {
    # The ids libbpf's open path follows to read map definitions: the .maps DATASEC's entries, the VARs they
    # name, the definition structs' members and what those point to (not into the key and value structs).
    $byOwner = $Layout.TypeIds | Group-Object { $_.Owner } -AsHashTable
    $kinds = $Layout.Kinds
    $mapDef = New-List
    $queue = [Collections.Generic.Queue[int]]::new(); $seen = @{}
    if ($Layout.MapsSec) { $queue.Enqueue($Layout.MapsSec) }
    while ($queue.Count -gt 0) {
        $owner = $queue.Dequeue()
        if ($seen[$owner] -or -not $byOwner[$owner]) { continue }
        $seen[$owner] = $true
        foreach ($f in $byOwner[$owner]) {
            $mapDef.Add($f)
            $target = [int](Read-U32 $Bytes $f.At)
            $intoStruct = $kinds.ContainsKey($target) -and $kinds[$target] -eq 4
            if ($owner -eq $Layout.MapsSec -or $kinds[$owner] -eq 14 -or -not $intoStruct) { $queue.Enqueue($target) }
        }
    }
    $Layout.MapDefIds = $mapDef
    $Layout.MapVars = @($mapDef | Where-Object { $kinds[$_.Owner] -eq 14 })
    $Layout.Qualifiers = @($Layout.TypeIds | Where-Object { $kinds[$_.Owner] -in 8, 9, 10, 11 })
}

function Add-BtfExtFields([byte[]] $Bytes, $Layout, $Ext) {
    # Header words, then per subsection the record size, each block's name and count, each record's first words.
    if (-not $Ext) { return }
    $e = $Ext.Offset; $eh = Read-U32 $Bytes ($e + 4)
    foreach ($f in 4, 8, 12, 16, 20) { $Layout.ExtFields.Add($e + $f) }
    foreach ($pair in @(8, 12), @(16, 20)) {
        $off = Read-U32 $Bytes ($e + $pair[0]); $len = Read-U32 $Bytes ($e + $pair[1])
        if ($len -eq 0) { continue }
        $p = $e + $eh + $off; $end = $p + $len; $rec = Read-U32 $Bytes $p
        $Layout.ExtFields.Add($p); $p += 4
        while ($p -lt $end) {
            $n = Read-U32 $Bytes ($p + 4); $Layout.ExtFields.Add($p); $Layout.ExtFields.Add($p + 4); $p += 8
            for ($r = 0; $r -lt $n; $r++) { $Layout.ExtFields.Add($p); $Layout.ExtFields.Add($p + 4); $p += $rec }
        }
    }
}

function Add-TableFields($Layout, $Sections) {
    # Symbols: name, section index, value. Relocations (SHT_REL): offset and symbol index.
    $symtab = $Sections | Where-Object Type -EQ 2
    for ($p = $symtab.Offset + 24; $p -lt $symtab.Offset + $symtab.Size; $p += 24) {
        $Layout.SymbolFields.Add(@{ At = $p; Width = 4 }); $Layout.SymbolFields.Add(@{ At = $p + 6; Width = 2 })
        $Layout.SymbolFields.Add(@{ At = $p + 8; Width = 8 })
    }
    foreach ($rel in $Sections | Where-Object Type -EQ 9) {
        for ($p = $rel.Offset; $p -lt $rel.Offset + $rel.Size; $p += 16) {
            $Layout.RelFields.Add(@{ At = $p; Width = 8 }); $Layout.RelFields.Add(@{ At = $p + 12; Width = 4 })
        }
    }
}

function Set-Field([byte[]] $b, [long] $at, [int] $width, [uint64] $value) {
    for ($i = 0; $i -lt $width; $i++) { $b[$at + $i] = [byte](($value -shr (8 * $i)) -band 0xff) }
}

function Get-Interesting([Random] $rng, [uint64] $near, [int] $width) {
    # Values that find off-by-one and overflow bugs: at and just past a limit, all ones, the sign bit, zero.
    $max = if ($width -ge 8) { [uint64]::MaxValue } else { ([uint64]1 -shl (8 * $width)) - 1 }
    switch ($rng.Next(7)) {
        0 { $near } 1 { $near + 1 + [uint64]$rng.Next(16) } 2 { $max } 3 { ($max -shr 1) + 1 } 4 { 0 }
        5 { [uint64]$rng.Next() -band $max } default { [uint64][Math]::Max(0, [long]$near - 1) }
    }
}

function Invoke-Mutation([string] $Class, [byte[]] $b, $layout, [Random] $rng) {
    # Changes $b in place (a truncation makes a shorter copy); returns the bytes and what was done.
    $typeCount = $layout.TypeCount
    $btf = $layout.Sections | Where-Object Name -EQ '.BTF'
    $what = switch ($Class) {
        'MapDefinition' {
            $f = $layout.MapDefIds[$rng.Next($layout.MapDefIds.Count)]
            $v = switch ($rng.Next(4)) {
                0 { $typeCount + 1 + $rng.Next(8) } 1 { [uint32]::MaxValue - $rng.Next(4) } 2 { $f.Owner }
                default { $rng.Next(0, $typeCount + 1) }
            }
            Set-Field $b $f.At 4 $v; "map definition: type [$($f.Owner)] field at $($f.At) -> id $v"
        }
        'MapDefinitionLoop' {
            # A map's VAR names a typedef or qualifier that names itself: libbpf 1.1 skips typedefs and
            # qualifiers in a loop with no bound, so this hangs it (in native code, deaf to Ctrl+C).
            $var = $layout.MapVars[$rng.Next($layout.MapVars.Count)]
            $q = $layout.Qualifiers[$rng.Next($layout.Qualifiers.Count)]
            Set-Field $b $var.At 4 $q.Owner; Set-Field $b $q.At 4 $q.Owner
            "map definition: VAR [$($var.Owner)] -> type [$($q.Owner)] -> itself"
        }
        'TypeIdOutOfRange' {
            $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]
            $v = switch ($rng.Next(3)) {
                0 { $typeCount + 1 } 1 { $typeCount + 1 + $rng.Next(1000) }
                default { [uint32]::MaxValue - $rng.Next(4) }
            }
            Set-Field $b $f.At 4 $v; "type [$($f.Owner)] field at $($f.At) -> id $v"
        }
        'TypeIdInRange' {
            $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]; $v = $rng.Next(0, $typeCount + 1)
            Set-Field $b $f.At 4 $v; "type [$($f.Owner)] field at $($f.At) -> id $v"
        }
        'TypeIdSelf' {
            $f = $layout.TypeIds[$rng.Next($layout.TypeIds.Count)]
            Set-Field $b $f.At 4 $f.Owner; "type [$($f.Owner)] field at $($f.At) -> itself"
        }
        'NameOffset' {
            $at = $layout.NameOffs[$rng.Next($layout.NameOffs.Count)]
            $v = if ($rng.Next(2)) { Get-Interesting $rng $layout.StrLen 4 }
            else { [uint64]$rng.Next([int]$layout.StrLen) }
            Set-Field $b $at 4 $v; "name offset at $at -> $v"
        }
        'TypeInfo' {
            $at = $layout.Infos[$rng.Next($layout.Infos.Count)]
            $v = [uint64](Read-U32 $b $at)
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
            $v = Get-Interesting $rng ($btf.Size) $width
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
            Set-Field $b ($s.Header + $field[0]) $field[1] $v
            "section $($s.Index) ($($s.Name)) header +$($field[0]) -> $v"
        }
        'ElfHeader' {
            $fields = @(@(4, 1), @(5, 1), @(16, 2), @(18, 2), @(40, 8), @(52, 2), @(58, 2), @(60, 2), @(62, 2))
            $field = $fields[$rng.Next(9)]
            $v = Get-Interesting $rng (Read-U16 $b 60) $field[1]
            Set-Field $b $field[0] $field[1] $v; "ELF header +$($field[0]) -> $v"
        }
        'Truncation' {
            $s = $layout.Sections[$rng.Next(1, $layout.Sections.Count)]
            $cut = if ($rng.Next(2)) { [int]($s.Offset + $rng.Next([int][Math]::Max(1, $s.Size))) }
            else { $rng.Next(1, $b.Length) }
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
                do { $at = $btf.Offset + $rng.Next([int]$btf.Size) } while ($layout.Counts.Contains($at))
                $b[$at] = [byte]$rng.Next(256)
            }
            "$flips random bytes in .BTF"
        }
    }
    [pscustomobject]@{ Bytes = $b; Mutation = $what }
}

function New-ObjectMutant {
    <#
    .SYNOPSIS
        Writes Count mutants of the object at Path into Destination, the classes in turn; one record per file.
    #>
    param(
        [Parameter(Mandatory)][string] $Path,
        [Parameter(Mandatory)][string] $Destination,
        [int] $Count = 480,
        [int] $Seed = 11
    )
    $original = [IO.File]::ReadAllBytes($Path)
    $layout = Get-ObjectLayout $original
    $rng = [Random]::new($Seed)
    $null = New-Item -ItemType Directory -Force $Destination
    for ($n = 0; $n -lt $Count; $n++) {
        $class = $script:Classes[$n % $script:Classes.Count]
        $mutant = Invoke-Mutation $class ([byte[]]$original.Clone()) $layout $rng
        $file = Join-Path $Destination ('m{0:d4}-{1}.o' -f $n, $class)
        [IO.File]::WriteAllBytes($file, $mutant.Bytes)
        [pscustomobject]@{ Path = $file; Class = $class; Mutation = $mutant.Mutation }
    }
}

Export-ModuleMember -Function New-ObjectMutant
