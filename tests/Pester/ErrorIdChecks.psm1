# What Module.Tests.ps1 needs to hold the ErrorId catalog against the help and the C# source: the ERRORS
# items of a help page, and the C# source read as code (comments and literals blanked) to find where ids
# are used and where an error id is passed as a string literal instead of an ErrorId constant.

function Get-HelpErrorList([string] $Path) {
    # The "- ErrorId (Category): when" items of a page's ## ERRORS section, as tools/New-MamlHelp.ps1 reads them.
    $section = $null
    foreach ($line in Get-Content $Path) {
        if ($line -match '^## (.+)$') { $section = $Matches[1].Trim(); continue }
        if ($section -ne 'ERRORS' -or $line -notmatch '^- (?<id>\w+) \((?<category>[^()]+)\):') { continue }
        $id = $Matches.id
        $category = $Matches.category.Trim()
        $follows = $category -match '^category follows errno, usually (?<usual>\w+)$'
        [pscustomobject]@{
            Page = [System.IO.Path]::GetFileNameWithoutExtension($Path)
            Id = $id
            FollowsErrno = $follows
            Category = if ($follows) { $Matches.usual } else { $category }
        }
    }
}

$script:Interesting = [regex]'["''/{}]'

function Get-CSharpCode([string] $Text) {
    # The text with comments and the insides of string and char literals replaced by spaces, positions
    # unchanged; the code inside interpolation holes stays, since it is code.
    $code = $Text.ToCharArray()
    $script:At = 0
    Skip-Code $Text $code $false
    return [string]::new($code)
}

function Skip-Code([string] $t, [char[]] $code, [bool] $inHole) {
    $depth = 0
    while ($true) {
        $m = $script:Interesting.Match($t, $script:At)
        if (-not $m.Success) { $script:At = $t.Length; return }
        $i = $m.Index
        $next = if ($i + 1 -lt $t.Length) { $t[$i + 1] } else { [char]0 }
        switch ($t[$i]) {
            '{' { $depth++; $script:At = $i + 1 }
            '}' {
                $script:At = $i + 1
                if ($inHole -and $depth -eq 0) { return }
                $depth--
            }
            '/' {
                $end = $i + 1
                if ($next -eq '/') { $end = $t.IndexOf("`n", $i); if ($end -lt 0) { $end = $t.Length } }
                elseif ($next -eq '*') {
                    $end = $t.IndexOf('*/', $i + 2)
                    $end = if ($end -lt 0) { $t.Length } else { $end + 2 }
                }
                if ($end -gt $i + 1) { Clear-Span $code $i $end }
                $script:At = $end
            }
            "'" {
                # 'x', '\'', '\u0041': the closing quote is the first one after the (possibly escaped) character.
                $close = $t.IndexOf("'", $(if ($next -eq '\') { $i + 3 } else { $i + 2 }))
                if ($close -lt 0) { $close = $t.Length - 1 }
                for ($k = $i + 1; $k -lt $close; $k++) { $code[$k] = ' ' }
                $script:At = $close + 1
            }
            '"' {
                $p1 = if ($i -ge 1) { $t[$i - 1] } else { [char]0 }
                $p2 = if ($i -ge 2) { $t[$i - 2] } else { [char]0 }
                $interpolated = $p1 -eq '$' -or ($p1 -eq '@' -and $p2 -eq '$')
                $verbatim = $p1 -eq '@' -or ($p1 -eq '$' -and $p2 -eq '@')
                Skip-String $t $code ($i + 1) $interpolated $verbatim
            }
        }
    }
}

function Clear-Span([char[]] $code, [int] $from, [int] $to) {
    # Blanks code[from..to) but keeps line breaks, so line numbers stay right.
    for ($k = $from; $k -lt [Math]::Min($to, $code.Length); $k++) { if ($code[$k] -ne "`n") { $code[$k] = ' ' } }
}

function Skip-String([string] $t, [char[]] $code, [int] $i, [bool] $interpolated, [bool] $verbatim) {
    while ($i -lt $t.Length) {
        $c = $t[$i]
        $next = if ($i + 1 -lt $t.Length) { $t[$i + 1] } else { [char]0 }
        if ($c -eq '\' -and -not $verbatim) { Clear-Span $code $i ($i + 2); $i += 2; continue }
        if ($c -eq '"' -and $verbatim -and $next -eq '"') { $code[$i] = ' '; $code[$i + 1] = ' '; $i += 2; continue }
        if ($c -eq '"') { $script:At = $i + 1; return }
        if ($c -eq '{' -and $interpolated) {
            if ($next -eq '{') { $code[$i] = ' '; $code[$i + 1] = ' '; $i += 2; continue }
            $script:At = $i + 1
            Skip-Code $t $code $true
            $i = $script:At
            continue
        }
        if ($c -ne "`n") { $code[$i] = ' ' }
        $i++
    }
    $script:At = $t.Length
}

function Get-CallArgument([string] $Code, [string] $Text, [int] $Open) {
    # The top-level arguments of the call whose '(' is at Open, as original text (brackets counted in the code).
    $arguments = [System.Collections.Generic.List[string]]::new()
    $depth = 0; $start = $Open + 1
    for ($i = $Open + 1; $i -lt $Code.Length; $i++) {
        $c = $Code[$i]
        if ($c -in '(', '[', '{') { $depth++ }
        elseif ($c -in ')', ']', '}') {
            if ($depth -eq 0) {
                $last = $Text.Substring($start, $i - $start).Trim()
                if ($last) { $arguments.Add($last) }
                break
            }
            $depth--
        }
        elseif ($c -eq ',' -and $depth -eq 0) {
            $arguments.Add($Text.Substring($start, $i - $start).Trim())
            $start = $i + 1
        }
    }
    return , $arguments
}

function Read-CSharpSource([string] $Root) {
    # Every .cs file under Root with its code-only twin.
    foreach ($file in Get-ChildItem $Root -Recurse -Filter *.cs -File | Sort-Object FullName) {
        $text = [System.IO.File]::ReadAllText($file.FullName)
        [pscustomobject]@{ Path = $file.FullName; Text = $text; Code = Get-CSharpCode $text }
    }
}

function Find-ErrorIdUse($Sources) {
    # Every ErrorId.<Name> in code (not in comments or strings), with the file it is in.
    foreach ($s in $Sources) {
        foreach ($m in [regex]::Matches($s.Code, '\bErrorId\s*\.\s*(?<name>[A-Za-z_]\w*)')) {
            [pscustomobject]@{ Path = $s.Path; Name = $m.Groups['name'].Value }
        }
    }
}

function Find-LiteralErrorId($Sources) {
    # Calls that pass a string literal where an error id goes: to any method or constructor declared with a
    # 'string errorId' parameter (found in the source, so new helpers are covered), to PowerShell's
    # ErrorRecord, or as a named errorId: argument. Target-typed new(...) counts when its first argument
    # is a literal that looks like an id.
    $sinks = @{ 'ErrorRecord' = 1 }
    foreach ($s in $Sources) {
        $declared = '\b(?<name>[A-Za-z_]\w*)\s*(?:<[^<>()]*>)?\s*\((?<before>[^()]*?)\bstring\??\s+errorId\b'
        foreach ($m in [regex]::Matches($s.Code, $declared)) {
            $before = $m.Groups['before'].Value
            $position = ([regex]::Matches($before, ',')).Count
            if ($before.TrimStart().StartsWith('this ')) { $position-- } # an extension method's receiver is no argument
            $sinks[$m.Groups['name'].Value] = $position
        }
    }
    $literal = '^(?:\$@|@\$|\$|@)?"'
    foreach ($s in $Sources) {
        $calls = '\b(?:new\s+(?:[\w.]+\.)?(?<name>\w+)|(?<new>new)|(?<name>\w+)(?:\s*<[^<>()]*>)?)\s*\('
        foreach ($m in [regex]::Matches($s.Code, $calls)) {
            $name = $m.Groups['name'].Value
            $isNew = $m.Groups['new'].Success
            if (-not $isNew -and -not $sinks.ContainsKey($name)) { continue }
            $arguments = Get-CallArgument $s.Code $s.Text ($m.Index + $m.Length - 1)
            $line = ($s.Text.Substring(0, $m.Index) -split "`n").Count
            $bad = @($arguments | Where-Object { $_ -match '^errorId\s*:\s*(?:\$@|@\$|\$|@)?"' })
            if ($isNew) {
                if ($arguments.Count -gt 0 -and $arguments[0] -match '^"[A-Z][A-Za-z0-9]*"$') { $bad += $arguments[0] }
            }
            elseif ($arguments.Count -gt $sinks[$name] -and $arguments[$sinks[$name]] -match $literal) {
                $bad += $arguments[$sinks[$name]]
            }
            foreach ($b in $bad) { "$($s.Path):$line $(if ($isNew) { 'new' } else { $name })(... $b ...)" }
        }
    }
}

Export-ModuleMember -Function Get-HelpErrorList, Read-CSharpSource, Find-ErrorIdUse, Find-LiteralErrorId
