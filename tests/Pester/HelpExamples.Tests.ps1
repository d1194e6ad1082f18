# The examples of docs/help/*.md cannot rot: each one defines the variables it uses, and each one whose code block
# opens with "```powershell runnable" runs here and must finish without an error (non-terminating errors, failed
# native commands and failed Should assertions included).
#
# What a runnable example may assume: the module is imported and Pester's Should is there; the working directory
# is a scratch folder of this test (files it writes, such as out.pcap, go there); -Confirm does not prompt.
# It makes its own test networks (New-BpfTestNetwork) and attaches only in them: examples that name eth0, eth1 or
# a namespace of their own, pin at fixed bpffs paths, need files that do not ship, run for long (Measure-*,
# Watch-BpfMap -Count 60) or need a Fleet's sshd stay unmarked. After each example this test removes the test
# networks it made (with what is attached in them), releases the objects it imported and turns statistics off.
BeforeDiscovery {
    function Read-HelpExample([string] $Path) {
        $page = [IO.Path]::GetFileNameWithoutExtension($Path)
        $text = Get-Content -Raw $Path
        $section = [regex]::Match($text, '(?ms)^## EXAMPLES\s*$(.*?)(?=^## |\z)').Groups[1].Value
        foreach ($m in [regex]::Matches($section, '(?ms)^### (?<title>[^\r\n]+)\s*^```(?<info>[^\r\n]*)\r?\n(?<code>.*?)^```')) {
            @{ Page = $page; Title = $m.Groups['title'].Value.Trim(); Code = $m.Groups['code'].Value
                Runnable = $m.Groups['info'].Value -match '\brunnable\b' }
        }
    }
    $script:examples = @(Get-ChildItem (Join-Path $PSScriptRoot '../../docs/help') -Filter *.md |
            ForEach-Object { Read-HelpExample $_.FullName })
    $script:runnable = @($examples | Where-Object Runnable)
}

BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:scratch = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-examples-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Path $scratch
    # Variables PowerShell defines itself, which an example may use without assigning them.
    $script:automatic = @('_', 'PSItem', 'true', 'false', 'null', 'PWD', 'HOME', 'args', 'input', 'Matches',
        'LASTEXITCODE', 'PSScriptRoot', 'ErrorActionPreference', 'ConfirmPreference')

    function Invoke-HelpExample([string] $Code) {
        # The example runs in this function's scope, dot-sourced, so what it leaves in variables can be released.
        $ErrorActionPreference = 'Stop'; $ConfirmPreference = 'None'; $ProgressPreference = 'SilentlyContinue'
        $PSNativeCommandUseErrorActionPreference = $true
        $held = [System.Collections.Generic.List[object]]::new()
        try {
            $output = @(. ([scriptblock]::Create($Code)))
            $held.AddRange($output)
            $null = $output | Out-String -Width 80    # its default views render too
        }
        finally {
            $held.AddRange(@(Get-Variable -Scope 0 -ValueOnly -ErrorAction Ignore | ForEach-Object { $_ }))
            $objects = [System.Collections.Generic.HashSet[object]]::new()    # by reference: one release each
            foreach ($o in $held) { if ($o -is [EbpfPs.BpfObject]) { $null = $objects.Add($o) } }
            $objects | Remove-BpfObject -Confirm:$false -ErrorAction Continue
        }
    }
}

AfterAll {
    Remove-Item -Recurse -Force $scratch -ErrorAction Ignore
}

Describe 'Help examples' {
    It '<Page> "<Title>" defines every variable it uses' -ForEach $examples {
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$errors)
        $errors | Should -BeNullOrEmpty -Because 'an example parses'
        $assigned = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
                ForEach-Object { $_.Left.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) } |
                ForEach-Object { $_.VariablePath.UserPath })
        $assigned += @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.ForEachStatementAst] }, $true) |
                ForEach-Object { $_.Variable.VariablePath.UserPath })
        $used = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) |
            Where-Object { -not $_.VariablePath.IsDriveQualified -and $_.VariablePath.UserPath -notlike 'using:*' } |
            ForEach-Object { $_.VariablePath.UserPath }
        $used | Where-Object { $_ -notin $assigned -and $_ -notin $automatic } | Select-Object -Unique |
            Should -BeNullOrEmpty -Because 'a reader of Get-Help -Examples sees only this example'
    }

    It 'marks examples runnable (and runs them below)' {
        $runnable.Count | Should -BeGreaterThan 25
    }

    Context 'run' {
        BeforeEach {
            $script:networksBefore = @(Get-BpfTestNetwork -Mine | ForEach-Object Name)
            Push-Location $scratch
        }

        AfterEach {
            Pop-Location
            Disable-BpfStatistics -ErrorAction Ignore | Out-Null
            Get-BpfTestNetwork -Mine | Where-Object Name -NotIn $networksBefore | Remove-BpfTestNetwork
        }

        It 'runs <Page> "<Title>"' -ForEach $runnable {
            Invoke-HelpExample $Code
        }
    }
}
