# The view meta-test's two helpers, dot-sourced by OutputShape.Tests.ps1: realistic long values put into copies of
# the real samples (what an operator's own names and a busy link look like), and the check that a rendered default
# view shows every cell's words and numbers whole.

# What real systems hold at their longest: IFNAMSIZ-1 interface names, long map and program names from object
# files, seven-digit rates, pin paths deep in bpffs (64 characters).
$script:longValues = [ordered]@{
    Interface = 'enp129s0f1np1v9'
    Target = 'enp129s0f1np1v9'
    Map = 'ux_src_stats_by_flow'
    MapName = 'ux_src_stats_by_flow'
    Program = 'ux_edge_ingress'
    ProgramName = 'ux_edge_ingress'
    Item = 'uxg/ux_blocked_ip_v4'
    PinnedPath = '/sys/fs/bpf/ux_gateway_k1/eu-west-1/edge-fw/ux_src_stats_by_flow'
    PinPath = '/sys/fs/bpf/ux_gateway_k1/eu-west-1/edge-fw/ux_src_stats_by_flow'
    PacketsPerSecond = 1234567.8
    BitsPerSecond = 14814813600.5
    NsPerPacket = 12001.9
    ProgramNsPerPacket = 1234.5
    Lost = 1234567
    Packets = 1234567
    bytesPerSecond = 1851851700.2
}
# Names that depend on what kind of thing is named.
$script:longNames = @{
    'EbpfPs.BpfLoadedMap' = 'ux_src_stats_by_flow'
    'EbpfPs.BpfMapInfo' = 'ux_src_stats_by'
    'EbpfPs.BpfMapBatch' = 'ux_src_stats_by_flow'
    'EbpfPs.BpfLoadedProgram' = 'ux_edge_ingress_firewall'
    'EbpfPs.BpfProgramInfo' = 'ux_edge_ingress'
    'EbpfPs.BpfObject' = 'ux_gateway_firewall'
}

# A copy of a sample with the long values set where it has such a property (records and classes through their
# init setters, rows made of note properties through the notes), keeping the type names its view is chosen by.
function Copy-WithLongValues([object] $Sample, [string] $TypeName) {
    $values = [ordered]@{} + $longValues
    if ($longNames[$TypeName]) { $values.Name = $longNames[$TypeName] }
    $base = $Sample.PSObject.BaseObject
    if ($base -is [System.Management.Automation.PSCustomObject]) {
        $copy = $Sample.PSObject.Copy()
        foreach ($name in $values.Keys) {
            if ($copy.PSObject.Properties[$name] -and $copy.PSObject.Properties[$name].MemberType -eq 'NoteProperty') {
                $copy.PSObject.Properties[$name].Value = $values[$name]
            }
        }
        return $copy
    }
    $clone = [object].GetMethod('MemberwiseClone', [Reflection.BindingFlags]'Instance, NonPublic').Invoke($base, @())
    foreach ($name in $values.Keys) {
        $p = $base.GetType().GetProperty($name)
        if (-not $p -or $p.GetIndexParameters().Count) { continue }
        $type = [Nullable]::GetUnderlyingType($p.PropertyType) ?? $p.PropertyType
        $value = [System.Management.Automation.LanguagePrimitives]::ConvertTo($values[$name], $type)
        # An init setter, or the field behind a get-only auto-property (a pin path the load set).
        $set = $p.GetSetMethod($true)
        $field = $p.DeclaringType.GetField("<$name>k__BackingField", [Reflection.BindingFlags]'Instance, NonPublic')
        if ($set) { $null = $set.Invoke($clone, @($value)) } elseif ($field) { $field.SetValue($clone, $value) }
    }
    $copy = [psobject]$clone
    foreach ($t in @($Sample.PSObject.TypeNames)[($Sample.PSObject.TypeNames.Count - 1)..0]) {
        if ($copy.PSObject.TypeNames -notcontains $t) { $copy.PSObject.TypeNames.Insert(0, $t) }
    }
    return $copy
}

# The words of a cell as the view makes it: what a reader must find whole on one line. A path may break after a
# slash, interface@namespace after the @, a dotted name (net.core.bpf_jit_enable) after a dot before a letter;
# nothing else, and never a number.
function Get-CellWord([object] $Value) {
    $text = if ($Value -is [System.Collections.IEnumerable] -and $Value -isnot [string]) { @($Value) -join ' ' } else { "$Value" }
    foreach ($word in $text -split '\s+') {
        if ($word) { $word -split '(?<=[/@])|(?<=\.)(?=[A-Za-z])' | Where-Object { $_ } }
    }
}

# The views break free text between words themselves (ViewText); the words are those of the text before that.
class ViewFitWhole {
    static [object] Wrap([object] $Value, [int] $Width) { return $Value }
    static [object] List([object] $Items, [int] $Width) { return @($Items) -join ', ' }
}

function Get-ViewValue([object] $Object, $Entry, [string] $FormatString) {
    $value = if ($Entry.ValueType -eq 'ScriptBlock') {
        $script = $Entry.Value.Replace('[EbpfPs.Commands.ViewText]::', '[ViewFitWhole]::')
        try { $Object | ForEach-Object ([scriptblock]::Create($script)) } catch { "<view error: $_>" }
    } else { $Object.($Entry.Value) }
    if ($FormatString) { $FormatString -f $value } else { $value }
}

# What is wrong with one object's default view at one width: a line too long, a column dropped, a cell cut
# (… or a word missing) or a word or number broken over two lines.
function Get-ViewFitProblem([object] $Object, [string] $TypeName, [int] $Width) {
    $views = @((Get-FormatData -TypeName $TypeName).FormatViewDefinition)
    $view = @($views | Where-Object Name -EQ $TypeName) + @($views) | Select-Object -First 1
    if ($view.Control -isnot [System.Management.Automation.TableControl]) { return "$TypeName has no default table view" }
    $headers = $view.Control.Headers
    $items = $view.Control.Rows[0].Columns
    $columns = for ($i = 0; $i -lt $headers.Count; $i++) {
        @{ Label = $headers[$i].Label; Width = $headers[$i].Width
            Value = Get-ViewValue $Object $items[$i].DisplayEntry $items[$i].FormatString }
    }
    $group = $view.Control.GroupBy
    $groupValue = if ($group) { Get-ViewValue $Object $group.Expression $null }
    Get-TableFitProblem ($Object | Out-String -Width $Width) $columns $Width $groupValue
}

# The same for any rendered table of one row: Columns are the view's (Label, Width, the cell's value unwrapped).
function Get-TableFitProblem([string] $Text, [object[]] $Columns, [int] $Width, [object] $GroupValue) {
    $lines = @($Text -split "`r?`n")
    foreach ($l in $lines | Where-Object Length -GT $Width) { "longer than $Width columns: $l" }
    if ($Text -match '…') { "a cell is cut: $Text" }
    $dash = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($l) $l -match '^[\s-]*-[\s-]*$' -and $l.Trim() })
    if ($dash -lt 1) { return "no table header:`n$Text" }
    foreach ($c in $Columns) {
        if ($c.Label -and $lines[$dash - 1] -notmatch "(^|\s)$([regex]::Escape($c.Label))(\s|$)") {
            "column $($c.Label) is not shown at $Width columns"
        }
    }
    $rows = @($lines[($dash + 1)..($lines.Count - 1)] | Where-Object { $_.Trim() })
    $start = 0
    for ($i = 0; $i -lt $Columns.Count; $i++) {
        $w = $Columns[$i].Width
        $last = $i -eq $Columns.Count - 1
        if (-not $w -and -not $last) { "column $($Columns[$i].Label) has no width"; return }
        $cells = foreach ($r in $rows) {
            if ($r.Length -le $start) { continue }
            if ($last) { $r.Substring($start) } else { $r.Substring($start, [Math]::Min($w, $r.Length - $start)) }
        }
        foreach ($word in Get-CellWord $Columns[$i].Value) {
            if (-not ($cells | Where-Object { $_.Contains($word) })) {
                "$($Columns[$i].Label): '$word' is not whole on one line at $Width columns:`n$Text"
            }
        }
        $start += $w + 1
    }
    if ($null -ne $GroupValue) {
        $groupLines = @($lines[0..($dash - 2)] | Where-Object { $_.Trim() })
        foreach ($word in Get-CellWord $GroupValue) {
            if (-not ($groupLines | Where-Object { $_.Contains($word) })) {
                "group: '$word' is not whole on one line at $Width columns:`n$Text"
            }
        }
    }
}
