# Conventions every exported cmdlet meets, now and later: checked over whatever the manifest exports.
BeforeDiscovery {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:cmdlets = @(Get-Command -Module EbpfPs -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $script:mutating = @('Add', 'Set', 'Remove', 'Clear', 'Import', 'Enable', 'Disable', 'New', 'Reset', 'Start', 'Stop')
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:approved = @(Get-Verb | ForEach-Object Verb)
    $script:mutating = @('Add', 'Set', 'Remove', 'Clear', 'Import', 'Enable', 'Disable', 'New', 'Reset', 'Start', 'Stop')
    $script:formatted = @((Get-FormatData -PowerShellVersion $PSVersionTable.PSVersion) | ForEach-Object TypeNames)
    Import-Module $PSScriptRoot/ErrorIdChecks.psm1 -Force
    $script:helpSource = Join-Path $PSScriptRoot '../../docs/help'
}

Describe 'Module manifest' {
    It 'loads from the staged folder with explicit exports and 7.4 as the minimum' {
        $m = Get-Module EbpfPs
        $m.PowerShellVersion | Should -Be ([version]'7.4')
        $m.CompatiblePSEditions | Should -Contain 'Core'
        $data = Import-PowerShellDataFile (Join-Path $m.ModuleBase EbpfPs.psd1)
        $data.CmdletsToExport | Should -Not -Contain '*'
        @($m.ExportedCmdlets.Keys) | Sort-Object | Should -Be (@($data.CmdletsToExport) | Sort-Object)
    }

    It 'carries what a gallery expects: licence, project, tags, release notes' {
        $base = (Get-Module EbpfPs).ModuleBase
        $m = Test-ModuleManifest (Join-Path $base EbpfPs.psd1)
        $m.ProjectUri | Should -Not -BeNullOrEmpty
        $m.LicenseUri.AbsoluteUri | Should -BeLike "$($m.ProjectUri.AbsoluteUri)*/LICENSE"
        $m.Tags | Should -Contain 'PSEdition_Core'
        $m.Tags | Should -Contain 'Linux'
        $m.ReleaseNotes | Should -Match '\w+ \w+'
        $m.CompatiblePSEditions | Should -Be @('Core')
        # The manifest's copyright holder is the one the shipped MIT licence names.
        $license = Get-Content -Raw (Join-Path $base LICENSE)
        $license | Should -Match '^MIT License'
        $holder = [regex]::Match($license, 'Copyright \(c\) \d{4} (.+)').Groups[1].Value.Trim()
        $m.Copyright | Should -BeLike "*$holder*"
        $m.Author | Should -Be $holder
    }

    It 'ships about_EbpfPs, and Get-Help finds it' {
        $about = Get-Help about_EbpfPs | Out-String
        $about | Should -Match 'about_EbpfPs'
        # The map of commands names every exported cmdlet.
        foreach ($c in (Get-Module EbpfPs).ExportedCmdlets.Keys) { $about | Should -Match "\b$c\b" }
    }

    It 'ships a compiled BPF object for each hook of every program source' {
        $dir = Join-Path (Split-Path (Get-Module EbpfPs).Path) 'bpf'
        $sources = Get-ChildItem (Join-Path $PSScriptRoot '../../bpf') -Filter *.c -File
        $sources | Should -Not -BeNullOrEmpty
        foreach ($s in $sources) {
            Join-Path $dir "xdp_$($s.BaseName).o" | Should -Exist
            Join-Path $dir "tc_$($s.BaseName).o" | Should -Exist
        }
    }
}

Describe 'Cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll { $cmd = Get-Command $Name }

    It 'uses an approved verb' { $cmd.Verb | Should -BeIn $approved }

    It 'declares [OutputType]' { $cmd.OutputType | Should -Not -BeNullOrEmpty }

    It 'has a default table view for each output type' {
        foreach ($t in $cmd.OutputType | Where-Object { $_.Name -ne 'System.Void' }) {
            $t.Name | Should -BeIn $formatted -Because "$Name emits $($t.Name)"
            # Output that comes back through Invoke-Command keeps its view (PowerShell adds PSComputerName).
            if ($t.Name -like 'EbpfPs.*') {
                "Deserialized.$($t.Name)" | Should -BeIn $formatted -Because "$Name's output may come through remoting"
            }
        }
    }

    It 'has help with a synopsis and at least one example' {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -Match "^\s*$Name\s*\["
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        (Get-Help $Name -Examples | Out-String) | Should -Match 'Example 1'
    }

    It 'describes every parameter and states the default of each optional one, as the code sets it' {
        $help = Get-Help $Name -Full
        $fresh = [Activator]::CreateInstance($cmd.ImplementingType)
        $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name +
            [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name
        foreach ($p in $cmd.Parameters.Values | Where-Object Name -NotIn $common) {
            $entry = $help.parameters.parameter | Where-Object name -EQ $p.Name
            $text = ($entry.description.Text -join ' ').Trim()
            $text | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name needs a description"
            # What a fresh cmdlet holds before binding is the default; a switch's is "off", a mandatory one has none.
            $value = $cmd.ImplementingType.GetProperty($p.Name).GetValue($fresh)
            $mandatory = -not ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and -not $_.Mandatory })
            if ($mandatory -or $value -is [System.Management.Automation.SwitchParameter]) { continue }
            # An optional parameter always has a default, if only "none (every entry)": the help says which.
            $text | Should -Match '\bDefault: ' -Because "-$($p.Name) of $Name is optional"
            if ($null -eq $value) { continue }
            $stated = ($text -split '\bDefault: ', 2)[1]
            $words = if ($value -is [timespan]) { [string]$value.TotalSeconds } else { @($value | ForEach-Object { [string]$_ }) }
            # A 0 the parameter does not accept itself (VlanId 1-4094) is stated as "none".
            foreach ($w in $words) {
                $pattern = "(?<![\w.])$([regex]::Escape($w))(?![\w])" + $(if ($w -eq '0') { '|^none\b' } else { '' })
                $stated | Should -Match $pattern -Because "-$($p.Name) of $Name defaults to $w"
            }
            [string]$entry.defaultValue | Should -Not -BeNullOrEmpty -Because 'Get-Help shows it as the default value'
        }
    }

    It 'shows a syntax line per parameter set: switches bare, -WhatIf and -Confirm where it supports them' {
        $syntax = (Get-Help $Name -Full).syntax | Out-String -Width 1000
        $lines = @($syntax -split '\r?\n' | Where-Object { $_ -match "^\s*$Name\b" })
        $lines.Count | Should -Be @($cmd.ParameterSets).Count
        $syntax | Should -Not -Match '<SwitchParameter>'
        # A type shows as a reader types it: never Nullable`1 or another generic name (a backtick and a number).
        $syntax | Should -Not -Match 'Nullable|`\d' -Because 'SYNTAX names the type a value is given as'
        (Get-Command $Name -Syntax | Out-String) | Should -Not -Match 'Nullable|`\d'
        # A closed set of values (an enum or a ValidateSet) is listed on the syntax line: -Hook {Xdp | Tc}.
        foreach ($p in $cmd.Parameters.Values) {
            $t = [Nullable]::GetUnderlyingType($p.ParameterType) ?? $p.ParameterType
            $t = if ($t.IsArray) { $t.GetElementType() } else { $t }
            $valid = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            $values = if ($valid) { $valid.ValidValues } elseif ($t.IsEnum) { [Enum]::GetNames($t) } else { continue }
            if ($p.Name -in 'ErrorAction', 'WarningAction', 'InformationAction', 'ProgressAction') { continue }
            $syntax | Should -Match ("-$($p.Name)\]? " + [regex]::Escape("{$($values -join ' | ')}")) -Because "-$($p.Name) takes one of these"
        }
        foreach ($line in $lines) {
            $line | Should -Match '\[<CommonParameters>\]$'
            if ($cmd.Parameters.ContainsKey('WhatIf')) { $line | Should -Match '\[-WhatIf\] \[-Confirm\]' }
        }
    }

    It 'says what it takes from the pipeline and what it returns (INPUTS and OUTPUTS)' {
        $help = Get-Help $Name -Full
        $inputs = @($help.inputTypes.inputType | ForEach-Object { $_.type.name })
        $inputText = ($help.inputTypes | Out-String -Width 500)
        $inputs | Should -Not -BeNullOrEmpty -Because 'INPUTS names a type, or None'
        $byValue = @(); $byName = @()
        foreach ($p in $cmd.Parameters.Values) {
            foreach ($a in $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
                if ($a.ValueFromPipeline) { $byValue += $p.ParameterType }
                elseif ($a.ValueFromPipelineByPropertyName) { $byName += $p.Name }
            }
        }
        foreach ($t in $byValue) {
            $element = if ($t.IsArray) { $t.GetElementType() } else { $t }
            $inputs | Should -Contain $element.FullName -Because "$Name takes $($element.Name) by value"
        }
        foreach ($n in $byName | Select-Object -Unique) { $inputText | Should -Match "\b$n\b" -Because "$Name takes $n by property name" }
        if (-not $byValue -and -not $byName) { $inputs | Should -Be @('None') }
        $outputs = @($help.returnValues.returnValue | ForEach-Object { $_.type.name })
        foreach ($t in $cmd.OutputType) { $outputs | Should -Contain ($t.Name -replace '^System\.Void$', 'None') }
        @($help.returnValues.returnValue | Where-Object { -not ($_.description.Text -join '').Trim() }) |
            Should -BeNullOrEmpty -Because 'each output says what it is'
    }

    It 'supports -WhatIf and -Confirm when it changes kernel state' {
        # New-BpfTestPacket only builds bytes in memory; everything else with these verbs touches the kernel.
        if ($cmd.Verb -in $mutating -and $Name -ne 'New-BpfTestPacket') {
            $cmd.Parameters.Keys | Should -Contain 'WhatIf'
            $cmd.Parameters.Keys | Should -Contain 'Confirm'
        }
    }

    It 'lists the ErrorIds it raises in its help, and Get-Help -Full shows them' {
        $page = Join-Path $helpSource "$Name.md"
        Get-Content $page | Should -Contain '## ERRORS'
        $listed = @(Get-HelpErrorList $page)
        $shown = Get-Help $Name -Full | Out-String -Width 200
        $shown | Should -Match '(?m)^\s+ERRORS\s*$'
        foreach ($e in $listed) { $shown | Should -Match "(?m)^\s+$($e.Id) \(" -Because "$Name.md lists $($e.Id)" }
        # Every cmdlet that needs libbpf stops with LibbpfNotFound when it is missing; the others never do.
        $type = $cmd.ImplementingType
        $needs = $type.GetProperty('NeedsLibbpf', [System.Reflection.BindingFlags]'Instance, NonPublic').GetValue(
            [Activator]::CreateInstance($type))
        ($listed.Id -contains 'LibbpfNotFound') | Should -Be $needs -Because "NeedsLibbpf is $needs"
    }

    It 'offers -LiteralPath beside every -Path' {
        if ($cmd.Parameters.ContainsKey('Path')) { $cmd.Parameters.Keys | Should -Contain 'LiteralPath' }
    }

    It 'completes interface, namespace, program and map names, and kernel ids' {
        foreach ($p in $cmd.Parameters.Values | Where-Object Name -In 'Interface', 'NetNamespace', 'Program', 'Name', 'ProgramName', 'MapName') {
            if ($p.ParameterType -notin [string], [string[]]) { continue }
            # A New- cmdlet's -Name is a name that does not exist yet: nothing to complete.
            if ($cmd.Verb -eq 'New' -and $p.Name -eq 'Name') { continue }
            $completer = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] -or $_ -is [System.Management.Automation.ValidateSetAttribute] }
            $completer | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should tab-complete"
        }
        # Ids of what the kernel holds complete to the loaded ones (with their names), never to file names.
        foreach ($p in $cmd.Parameters.Values | Where-Object Name -In 'Id', 'ProgramId', 'MapId', 'BtfId', 'LinkId') {
            if ($p.ParameterType -notin [uint32], [uint32[]]) { continue }
            $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } |
                Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name should complete loaded ids"
        }
    }
}

# The ErrorId catalog is a public contract: each id is raised somewhere, has a category, and is documented.
Describe 'ErrorId catalog' {
    BeforeAll {
        $catalog = @([EbpfPs.Engine.Errors.ErrorCatalog]::Entries)
        $constants = @([EbpfPs.Engine.Errors.ErrorId].GetFields() | Where-Object IsLiteral | ForEach-Object Name)
        $listed = @(Get-ChildItem $helpSource -Filter *.md | ForEach-Object { Get-HelpErrorList $_.FullName })
        $sources = @(Read-CSharpSource (Join-Path $PSScriptRoot '../../src/EbpfPs'))
        $uses = @(Find-ErrorIdUse $sources)
    }

    It 'is not empty and names each id after its constant' {
        $catalog.Count | Should -BeGreaterThan 50
        @($catalog.Id | Sort-Object) | Should -Be @($constants | Sort-Object)
    }

    It 'maps every kind of error but OperationFailed to an ErrorCategory other than NotSpecified' {
        $unmapped = $catalog | Where-Object Kind -NE 'OperationFailed' |
            Where-Object { [EbpfPs.Commands.ErrorRecords]::CategoryOf($_.Kind) -eq 'NotSpecified' }
        $unmapped | ForEach-Object { "$($_.Id) ($($_.Kind))" } | Should -BeNullOrEmpty
    }

    It 'lists every catalogued id in some help page' {
        $catalog.Id | Where-Object { $_ -cnotin $listed.Id } | Should -BeNullOrEmpty -Because 'a help page must list it'
    }

    It 'lists only catalogued ids in help' {
        $listed | Where-Object { $_.Id -cnotin $catalog.Id } | ForEach-Object { "$($_.Page): $($_.Id)" } |
            Should -BeNullOrEmpty
    }

    It 'gives each listed id the category its kind maps to, or says the category follows errno' {
        $categories = [enum]::GetNames([System.Management.Automation.ErrorCategory])
        $byId = @{}
        foreach ($e in $catalog) { $byId[$e.Id] = $e }
        $wrong = foreach ($l in $listed | Where-Object { $byId.ContainsKey($_.Id) }) {
            $e = $byId[$l.Id]
            $expected = if ($e.FollowsErrno) { 'category follows errno, usually <an ErrorCategory>' }
                        else { [string][EbpfPs.Commands.ErrorRecords]::CategoryOf($e.Kind) }
            $ok = $l.FollowsErrno -eq $e.FollowsErrno -and $categories -ccontains $l.Category -and
                ($e.FollowsErrno -or $l.Category -ceq $expected)
            if (-not $ok) { "$($l.Page): $($l.Id) is listed as $($l.Category), not $expected" }
        }
        $wrong | Should -BeNullOrEmpty
    }

    It 'is where every ErrorId the C# source uses comes from' {
        $uses.Count | Should -BeGreaterThan 50
        $uses | Where-Object { $_.Name -cnotin $constants } | ForEach-Object { "$($_.Path): ErrorId.$($_.Name)" } |
            Should -BeNullOrEmpty
    }

    It 'holds no id that nothing raises' {
        $raising = @($uses | Where-Object { (Split-Path $_.Path -Leaf) -ne 'ErrorId.cs' } | ForEach-Object Name)
        $constants | Where-Object { $_ -cnotin $raising } | Should -BeNullOrEmpty -Because 'an id nothing raises goes'
    }

    It 'is never bypassed with a string literal where an error id goes' {
        @(Find-LiteralErrorId $sources) | Should -BeNullOrEmpty
    }
}
