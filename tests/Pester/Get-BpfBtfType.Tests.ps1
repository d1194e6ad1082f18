# BTF types as objects, compared field by field with `bpftool -j btf dump` of the same file, map or BTF id.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest

    function Compare-BtfDump($Ours, $Theirs) {
        # Every difference between our objects and bpftool's JSON types, as "[id] field: ours <> theirs".
        $byId = @{}
        foreach ($o in $Ours) { $byId[[uint32]$o.Id] = $o }
        $anon = { param($n) if ($n -eq '(anon)') { '' } else { $n } }
        $prop = { param($t, $n) if ($t.PSObject.Properties[$n]) { $t.$n } else { $null } }
        foreach ($t in $Theirs) {
            $o = $byId[[uint32]$t.id]
            if (-not $o) { "[$($t.id)] missing"; continue }
            $want = [ordered]@{
                Kind = $t.kind; Name = & $anon $t.name; Size = & $prop $t 'size'
                TypeId = if ($t.PSObject.Properties['ret_type_id']) { $t.ret_type_id } else { & $prop $t 'type_id' }
                IndexTypeId = & $prop $t 'index_type_id'; ArrayLength = & $prop $t 'nr_elems'
                Encoding = & $prop $t 'encoding'; Bits = & $prop $t 'nr_bits'; Linkage = & $prop $t 'linkage'
                ForwardKind = & $prop $t 'fwd_kind'; ComponentIndex = & $prop $t 'component_idx'
            }
            if ($t.kind -eq 'INT') { $want.BitOffset = $t.bits_offset }
            foreach ($k in $want.Keys) {
                if ("$($o.$k)" -ne "$($want[$k])") { "[$($t.id)] ${k}: '$($o.$k)' <> '$($want[$k])'" }
            }
            $members = @(& $prop $t 'members') + @(& $prop $t 'params') + @(& $prop $t 'vars') | Where-Object { $_ }
            if (@($o.Members).Count -ne $members.Count) { "[$($t.id)] $(@($o.Members).Count) members <> $($members.Count)" }
            for ($i = 0; $i -lt [Math]::Min(@($o.Members).Count, $members.Count); $i++) {
                $m = $o.Members[$i]; $w = $members[$i]
                $line = "$(if ($w.PSObject.Properties['name']) { & $anon $w.name } else { $m.Name })|$($w.type_id)|" +
                    "$(& $prop $w 'bits_offset')|$(& $prop $w 'bitfield_size')|$(& $prop $w 'offset')|$(& $prop $w 'size')"
                $mine = "$($m.Name)|$($m.TypeId)|$($m.BitOffset)|$($m.BitfieldSize)|$($m.Offset)|$($m.Size)"
                if ($mine -ne $line) { "[$($t.id)] member ${i}: $mine <> $line" }
            }
            $values = @(& $prop $t 'values') | Where-Object { $_ }
            $mineValues = @($o.Values | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ','
            $theirValues = @($values | ForEach-Object { "$($_.name)=$($_.val)" }) -join ','
            if ($mineValues -ne $theirValues) { "[$($t.id)] values: $mineValues <> $theirValues" }
        }
        if (@($Ours).Count -ne @($Theirs).Count) { "$(@($Ours).Count) types <> $(@($Theirs).Count)" }
    }
}

AfterAll { Remove-ScratchState }

Describe 'Get-BpfBtfType' {
    It 'reads <Name> as bpftool btf dump file does, every type and field' -ForEach @(
        @{ Name = 'btf_shapes (enums, unions, bitfields, arrays, data sections)' ; Source = 'btf_shapes' }
        @{ Name = 'btf_features (decl and type tags, func protos, const, volatile, map-in-map)'; Source = 'btf_features' }
        @{ Name = 'the built-in router'; Source = 'router' }
    ) {
        $path = if ($Source -eq 'router') { Get-BuiltinObjectPath router } else { Build-TestBpfObject $Source }
        $ours = @(Get-BpfBtfType -LiteralPath $path)
        $theirs = (Invoke-Json bpftool -j btf dump file $path).types
        $ours.Count | Should -BeGreaterThan 10
        @(Compare-BtfDump $ours $theirs) | Should -BeNullOrEmpty
        $ours | ForEach-Object BtfId | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
    }

    It 'gives the C spelling of types and filters by name, kind and id' {
        $path = Build-TestBpfObject btf_shapes
        $shape = Get-BpfBtfType -LiteralPath $path -Name shape
        $shape.Kind | Should -Be 'STRUCT'
        $shape.CName | Should -Be 'struct shape'
        ($shape.Members | Where-Object Name -EQ corners).TypeName | Should -Be 'struct point[2]'
        ($shape.Members | Where-Object Name -EQ flags_high).BitfieldSize | Should -Be 12
        @(Get-BpfBtfType -LiteralPath $path -Kind enum -Name 'shape_*').Name | Should -Be @('shape_kind')
        (Get-BpfBtfType -LiteralPath $path -TypeId $shape.Id).Name | Should -Be 'shape'
        @(Get-BpfBtfType -Path ($path -replace 'btf_shapes', 'btf_sha*') -Name shape).Count | Should -Be 1
    }

    It 'completes -Name with the type names of the file given, relative to the current folder' {
        $path = Build-TestBpfObject btf_shapes
        Push-Location (Split-Path $path)
        try {
            $line = "Get-BpfBtfType -LiteralPath ./$(Split-Path $path -Leaf) -Name sh"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText |
                Should -Be @('shape', 'shape_kind', 'shapes', 'shapes_touch')
        }
        finally { Pop-Location }
    }

    It 'reads a loaded program''s BTF by id from the pipeline, as bpftool btf dump id does' {
        $obj = Import-BpfObject -LiteralPath (Build-TestBpfObject btf_shapes)
        try {
            $program = Get-BpfProgram -Id $obj.Programs[0].Id
            $ours = @($program | Get-BpfBtfType)
            $ours[0].BtfId | Should -Be $program.BtfId
            @(Compare-BtfDump $ours (Invoke-Json bpftool -j btf dump id $program.BtfId).types) | Should -BeNullOrEmpty
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'gives a map''s key and value types, from the map or its pin, as bpftool btf dump map does' {
        $pins = New-ScratchPinPath
        $obj = Import-BpfObject -LiteralPath (Build-TestBpfObject btf_shapes) -PinPath $pins
        try {
            $map = Get-BpfMap -Id ($obj.Maps | Where-Object Name -EQ shapes).Id
            $ours = @(Get-BpfBtfType -Map $map)
            $theirs = (Invoke-Json bpftool -j btf dump map id $map.Id).types
            @($ours.Id) | Should -Be @($map.BtfKeyTypeId, $map.BtfValueTypeId)
            @(Compare-BtfDump $ours $theirs) | Should -BeNullOrEmpty
            @(Get-BpfBtfType -LiteralPath "$pins/shapes").Name | Should -Be @($ours.Name)
        }
        finally { $obj | Remove-BpfObject -Confirm:$false }
    }

    It 'reads raw BTF such as the kernel''s own, lazily by name' {
        $t = Get-BpfBtfType -LiteralPath /sys/kernel/btf/vmlinux -Name xdp_md
        $t.Kind | Should -Be 'STRUCT'
        $t.Members.Name | Should -Contain 'ingress_ifindex'
        # grep -m1 stops bpftool's dump of the whole kernel at the first match.
        $line = & bash -c 'bpftool btf dump file /sys/kernel/btf/vmlinux | grep -m1 "STRUCT ''xdp_md''"'
        $line | Should -Match "^\[$($t.Id)\] STRUCT 'xdp_md' size=$($t.Size) vlen=$($t.Vlen)"
    }

    It 'says NoBtf for an object without -g, BtfObjectNotFound for an unknown id' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-tests-$PID"
        $null = New-Item -ItemType Directory -Force $dir
        # A program with no maps (a .maps section needs BTF) built without -g: no .BTF section at all.
        $source = Join-Path $dir 'nog.c'
        Set-Content $source 'int nog(void *ctx) __attribute__((section("xdp"))); int nog(void *ctx) { return 2; }'
        $plain = Join-Path $dir 'nog.o'
        & clang -O2 -target bpf -c $source -o $plain
        $e = Get-Error { Get-BpfBtfType -LiteralPath $plain }
        $e.FullyQualifiedErrorId | Should -BeLike 'NoBtf,*'
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e = Get-Error { Get-BpfBtfType -BtfId 4000000000 }
        $e.FullyQualifiedErrorId | Should -BeLike 'BtfObjectNotFound,*'
        (Get-Error { Get-BpfBtfType -LiteralPath /nonexistent/x.o }).FullyQualifiedErrorId | Should -BeLike 'ObjectFileNotFound,*'
    }
}
