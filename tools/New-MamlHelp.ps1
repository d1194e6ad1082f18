# Turns docs/help/<Verb-Noun>.md into the MAML file Get-Help reads for binary cmdlets. Syntax and
# parameter attributes come from the built cmdlets themselves, so the help cannot drift from the code;
# the markdown holds only what a person writes: synopsis, description, parameter text, examples,
# notes and the ErrorIds the cmdlet raises.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $HelpSource,
    [Parameter(Mandatory)][string] $Destination
)
$ErrorActionPreference = 'Stop'

function Read-HelpMarkdown([string] $Path) {
    # Sections: "## SYNOPSIS", "## DESCRIPTION", "## PARAMETERS" (### -Name), "## EXAMPLES" (### title,
    # a fenced code block, then remarks; a block opened with "```powershell runnable" is one the help meta-test
    # runs in a test network), "## INPUTS" and "## OUTPUTS" (### type name, then what it is),
    # "## NOTES", "## ERRORS" (see Read-ErrorList), "## RELATED LINKS" (- text or URL).
    $doc = @{ Synopsis = ''; Description = ''; Parameters = @{}; Examples = [System.Collections.Generic.List[object]]::new(); Notes = ''; Links = @() }
    $doc.Inputs = [System.Collections.Generic.List[object]]::new(); $doc.Outputs = [System.Collections.Generic.List[object]]::new()
    $doc.Errors = @()
    $section = $null; $sub = $null; $buffer = [System.Text.StringBuilder]::new()
    $flush = {
        $text = $buffer.ToString().Trim(); $null = $buffer.Clear()
        switch ($section) {
            'SYNOPSIS' { $doc.Synopsis = $text }
            'DESCRIPTION' { $doc.Description = $text }
            'NOTES' { $doc.Notes = $text }
            'ERRORS' { $doc.Errors = @(Read-ErrorList $text $Path) }
            'PARAMETERS' { if ($sub) { $doc.Parameters[$sub.TrimStart('-')] = $text } }
            'INPUTS' { if ($sub) { $doc.Inputs.Add([pscustomobject]@{ Type = $sub; Text = $text }) } }
            'OUTPUTS' { if ($sub) { $doc.Outputs.Add([pscustomobject]@{ Type = $sub; Text = $text }) } }
            'EXAMPLES' {
                if ($sub) {
                    $code = if ($text -match '(?s)```[^\r\n]*\r?\n(.*?)```') { $Matches[1].TrimEnd() } else { '' }
                    $remarks = ($text -replace '(?s)```.*?```', '').Trim()
                    $doc.Examples.Add([pscustomobject]@{ Title = $sub; Code = $code; Remarks = $remarks })
                }
            }
            'RELATED LINKS' { $doc.Links = @($text -split '\r?\n' | Where-Object { $_ -match '^\s*-\s*' } | ForEach-Object { ($_ -replace '^\s*-\s*', '').Trim() }) }
        }
    }
    foreach ($line in Get-Content $Path) {
        if ($line -match '^## (.+)$') { & $flush; $section = $Matches[1].Trim().ToUpperInvariant(); $sub = $null; continue }
        if ($line -match '^### (.+)$') { & $flush; $sub = $Matches[1].Trim(); continue }
        if ($line -match '^# ') { continue }
        $null = $buffer.AppendLine($line)
    }
    & $flush
    return $doc
}

function Read-ErrorList([string] $Text, [string] $Path) {
    # One "- ErrorId (Category): when" item per id, continued on indented lines; Category is an ErrorCategory
    # name or "category follows errno, usually X". Unindented lines outside an item are prose paragraphs.
    # A malformed item fails the build rather than vanishing from the help.
    $entries = [System.Collections.Generic.List[object]]::new()
    $item = $null; $prose = $null
    foreach ($line in $Text -split '\r?\n') {
        if ($line -match '^\s*$') { $item = $null; $prose = $null; continue }
        if ($line -match '^- ') {
            if ($line -notmatch '^- (?<id>[A-Za-z]\w*) \((?<category>[^()]+)\): (?<text>\S.*)$') {
                throw "${Path}: an ERRORS item reads '- ErrorId (Category): when', not: $line"
            }
            $item = [pscustomobject]@{ Id = $Matches.id; Category = $Matches.category.Trim(); Text = $Matches.text }
            $prose = $null
            $entries.Add($item)
        }
        elseif ($item -and $line -match '^\s+\S') { $item.Text += ' ' + $line.Trim() }
        elseif ($prose) { $prose.Text += ' ' + $line.Trim() }
        else { $prose = [pscustomobject]@{ Id = $null; Category = $null; Text = $line.Trim() }; $entries.Add($prose) }
    }
    return $entries
}

function Format-Wrapped([string] $Text, [int] $Width, [string] $Indent = '') {
    # Get-Help indents alert paragraphs by 8 and the console breaks long lines anywhere, even mid-word, so
    # the ERRORS block comes pre-wrapped to stay whole words at 80 columns.
    $lines = [System.Collections.Generic.List[string]]::new(); $line = ''
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if ($line -and $line.Length + 1 + $word.Length -gt $Width) { $lines.Add($Indent + $line); $line = $word }
        else { $line = if ($line) { "$line $word" } else { $word } }
    }
    if ($line) { $lines.Add($Indent + $line) }
    return $lines -join "`n"
}

function Format-ErrorItem($Entry) {
    # "ErrorId (Category)" on a line of its own and what it means indented under it, like a definition list.
    (Format-Wrapped "$($Entry.Id) ($($Entry.Category))" 72) + "`n" + (Format-Wrapped $Entry.Text 66 '    ')
}

function Add-Paras([System.Xml.XmlWriter] $w, [string] $text) {
    $w.WriteStartElement('maml', 'description', $maml)
    foreach ($para in ($text -split '\r?\n\s*\r?\n')) {
        if ($para.Trim()) { $w.WriteElementString('maml', 'para', $maml, ($para -replace '\r?\n', ' ').Trim()) }
    }
    $w.WriteEndElement()
}

function Get-HelpTypeName([type] $Type, [switch] $Full) {
    # A reader sees the type a value is given as: Nullable`1 or List`1 would say nothing useful.
    $t = [Nullable]::GetUnderlyingType($Type) ?? $Type
    $suffix = ''
    while ($t.IsArray) { $suffix += '[]'; $t = $t.GetElementType() }
    $t = [Nullable]::GetUnderlyingType($t) ?? $t
    # A generic type reads as PowerShell writes it (List[String]), not as .NET names it (List`1).
    $name = $(if ($Full -and -not $t.IsGenericType) { $t.FullName } else { $t.Name -replace '`\d+$', '' })
    if ($t.IsGenericType) { $name += '[' + (($t.GetGenericArguments() | ForEach-Object { Get-HelpTypeName $_ -Full:$Full }) -join ',') + ']' }
    $name + $suffix
}

function Get-AllowedValues($Param) {
    $set = $Param.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return $set.ValidValues }
    $t = [Nullable]::GetUnderlyingType($Param.ParameterType) ?? $Param.ParameterType
    if ($t.IsArray) { $t = $t.GetElementType() }
    if ($t.IsEnum) { [Enum]::GetNames($t) }
}

function Write-Parameter([System.Xml.XmlWriter] $w, $param, $set, [string] $text) {
    $attr = if ($set) { $param.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ParameterSetName -eq $set.Name -or $_.ParameterSetName -eq '__AllParameterSets') } | Select-Object -First 1 } else { $null }
    $any = $param.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
    $a = if ($attr) { $attr } else { $any }
    $w.WriteStartElement('command', 'parameter', $command)
    $w.WriteAttributeString('required', ([string]$a.Mandatory).ToLowerInvariant())
    $w.WriteAttributeString('globbing', ([string][bool]($param.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $(if ($a.ValueFromPipeline) { 'True (ByValue)' } elseif ($a.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' } else { 'False' }))
    $w.WriteAttributeString('position', $(if ($a.Position -ge 0) { [string]$a.Position } else { 'named' }))
    $w.WriteElementString('maml', 'name', $maml, $param.Name)
    Add-Paras $w $text
    # "Default: 1 second." in the text is also what Get-Help shows as the parameter's default value.
    if ($text -match '(?m)\bDefault: (.+?)(\.\s|\.?$)') { $w.WriteElementString('dev', 'defaultValue', $dev, $Matches[1]) }
    # A switch takes no value on a syntax line ([-Force], as PowerShell's own help shows it).
    $switch = $param.ParameterType -eq [System.Management.Automation.SwitchParameter]
    if (-not ($set -and $switch)) {
        $w.WriteStartElement('command', 'parameterValue', $command)
        $w.WriteAttributeString('required', (-not $switch).ToString().ToLowerInvariant())
        $w.WriteString((Get-HelpTypeName $param.ParameterType))
        $w.WriteEndElement()
        # On a syntax line a closed set of values reads as {Xdp | Tc}, as PowerShell's own help shows enums.
        $values = @(Get-AllowedValues $param)
        if ($set -and $values) {
            $w.WriteStartElement('command', 'parameterValueGroup', $command)
            foreach ($v in $values) {
                $w.WriteStartElement('command', 'parameterValue', $command)
                $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false')
                $w.WriteString($v); $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
    }
    $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, (Get-HelpTypeName $param.ParameterType -Full)); $w.WriteEndElement()
    $w.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $w, [string] $list, [string] $item, $entries) {
    $w.WriteStartElement('command', $list, $command)
    foreach ($e in $entries) {
        $w.WriteStartElement('command', $item, $command)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $e.Type); $w.WriteEndElement()
        Add-Paras $w $e.Text
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$commonOnly = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name
$common = $commonOnly + [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name

$module = Import-Module $ModulePath -PassThru -Force
$null = New-Item -ItemType Directory -Force -Path (Split-Path $Destination)
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$w = [System.Xml.XmlWriter]::Create($Destination, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems'); $w.WriteAttributeString('schema', 'maml')
$missing = @()
foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $md = Join-Path $HelpSource "$($cmd.Name).md"
    if (-not (Test-Path $md)) { $missing += $cmd.Name; continue }
    $doc = Read-HelpMarkdown $md
    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'command', $null, $command)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $command)
    $w.WriteElementString('command', 'name', $command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $command, $cmd.Noun)
    Add-Paras $w $doc.Synopsis
    $w.WriteEndElement()
    Add-Paras $w $doc.Description

    $w.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $command)
        $w.WriteElementString('maml', 'name', $maml, $cmd.Name)
        # -WhatIf and -Confirm belong on the syntax lines; PowerShell adds [<CommonParameters>] itself.
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $commonOnly }) {
            Write-Parameter $w $cmd.Parameters[$p.Name] $set $doc.Parameters[$p.Name]
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name) {
        Write-Parameter $w $p $null $doc.Parameters[$p.Name]
    }
    $w.WriteEndElement()

    Write-TypeList $w 'inputTypes' 'inputType' $doc.Inputs
    # Outputs as the markdown describes them, or as [OutputType] names them where it says nothing.
    $outputs = if ($doc.Outputs.Count) { $doc.Outputs } else { $cmd.OutputType | ForEach-Object { [pscustomobject]@{ Type = $_.Name; Text = '' } } }
    Write-TypeList $w 'returnValues' 'returnValue' $outputs

    if ($doc.Notes) { $w.WriteStartElement('maml', 'alertSet', $maml); $w.WriteStartElement('maml', 'alert', $maml); $w.WriteElementString('maml', 'para', $maml, $doc.Notes); $w.WriteEndElement(); $w.WriteEndElement() }
    if ($doc.Errors) {
        # A titled block under NOTES in Get-Help -Full (MAML has no section of its own for errors).
        $w.WriteStartElement('maml', 'alertSet', $maml)
        $w.WriteElementString('maml', 'title', $maml, 'ERRORS')
        $w.WriteStartElement('maml', 'alert', $maml)
        foreach ($e in $doc.Errors) {
            $para = if ($e.Id) { Format-ErrorItem $e } else { Format-Wrapped $e.Text 72 }
            $w.WriteElementString('maml', 'para', $maml, $para)
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'examples', $command)
    $i = 0
    foreach ($ex in $doc.Examples) {
        $i++
        $w.WriteStartElement('command', 'example', $command)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- $($ex.Title) --------------------------")
        $w.WriteElementString('dev', 'code', $dev, $ex.Code)
        $w.WriteStartElement('dev', 'remarks', $dev)
        foreach ($para in ($ex.Remarks -split '\r?\n\s*\r?\n')) { if ($para.Trim()) { $w.WriteElementString('maml', 'para', $maml, ($para -replace '\r?\n', ' ').Trim()) } }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $command)
    foreach ($link in $doc.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()
if ($missing) { Write-Warning "No help source for: $($missing -join ', ') (add docs/help/<name>.md)" }
