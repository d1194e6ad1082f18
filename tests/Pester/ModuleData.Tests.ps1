# The module's type and format files are loaded by the first command after Import-Module, not by the import
# (DeferredModuleData): import stays cheap, and every way an object reaches the user still finds its view.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:base = (Get-Module EbpfPs).ModuleBase
    # Lines a child pwsh prints; -Bare starts it without the module.
    function Invoke-Child([string] $Command, [switch] $Bare) {
        if ($Bare) {
            $exe = [Environment]::ProcessPath
            $pwsh = @($exe) + $(if ((Split-Path -Leaf $exe) -notlike 'pwsh*') { Join-Path $PSHOME 'pwsh.dll' })
            return @(& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Command 2>&1)
        }
        Wait-ChildPwsh (Start-ChildPwsh $Command)
    }
    # What a child reports of the session's files: formats and types from this module's folder, and whether the
    # one-shot lookup handler is still armed. Expressions only: any command would load the files.
    $script:probe = '$iss = [Management.Automation.Runspaces.Runspace]::DefaultRunspace.InitialSessionState; ' +
        '$mine = { $_.FileName -like "*/formats/*.ps1xml" }; ' +
        '"{0} {1} {2}" -f $iss.Formats.Where($mine).Count, $iss.Types.Where($mine).Count, ' +
        '[int]($null -ne $ExecutionContext.InvokeCommand.PostCommandLookupAction)'
}

Describe 'Type and format files' {
    It 'are every file in formats/, in the lists the module loads' {
        $shipped = @(Get-ChildItem (Join-Path $base 'formats') -Filter *.ps1xml | ForEach-Object Name | Sort-Object)
        $listed = @([EbpfPs.Commands.DeferredModuleData]::TypeFiles) + @([EbpfPs.Commands.DeferredModuleData]::FormatFiles)
        @($listed | Sort-Object) | Should -Be $shipped
        $data = Import-PowerShellDataFile (Join-Path $base 'EbpfPs.psd1')
        $data.Keys | Should -Not -Contain 'FormatsToProcess' -Because 'the import would load them again'
        $data.Keys | Should -Not -Contain 'TypesToProcess'
    }

    It 'wait for the first command after Import-Module, which loads them once' {
        $formats = [EbpfPs.Commands.DeferredModuleData]::FormatFiles.Count
        $types = [EbpfPs.Commands.DeferredModuleData]::TypeFiles.Count
        $lines = Invoke-Child "$probe; `$null = Get-Date; $probe; `$null = Get-Date; $probe"
        $lines | Should -Be @('0 0 1', "$formats $types 0", "$formats $types 0")
    }

    It 'are loaded by any cmdlet of the module, the lookup handler aside' {
        $formats = [EbpfPs.Commands.DeferredModuleData]::FormatFiles.Count
        $types = [EbpfPs.Commands.DeferredModuleData]::TypeFiles.Count
        # With the handler gone (as if the session had replaced it), the cmdlet loads the files before it writes.
        $lines = Invoke-Child ('$ExecutionContext.InvokeCommand.PostCommandLookupAction = $null; ' +
            "$probe; `$f = Get-BpfFeature; $probe")
        $lines | Should -Be @('0 0 0', "$formats $types 0")
    }

    It 'leave a lookup handler the session had in place and working' {
        $lines = Invoke-Child ('$global:seen = 0; $ExecutionContext.InvokeCommand.PostCommandLookupAction = { $global:seen++ }; ' +
            "Import-Module '$base/EbpfPs.psd1' -Force; `$null = Get-Date; `$before = `$seen; `$null = Get-Date; " +
            '"{0} {1}" -f ($seen - $before), $ExecutionContext.InvokeCommand.PostCommandLookupAction.GetInvocationList().Count') -Bare
        # After the module's handler has fired and gone, the session's own sees the next lookup, and only it is left.
        $lines | Should -Be @('1 1')
    }

    It 'give objects from another session their views though no EbpfPs command ran' {
        $file = Join-Path $TestDrive 'features.clixml'
        Get-BpfFeature | Export-Clixml -LiteralPath $file
        $show = "Import-Clixml -LiteralPath '$file' | Out-String -Width 160"
        $deserialized = (Invoke-Child $show) -join "`n"
        $afterCmdlet = (Invoke-Child "`$null = Get-BpfFeature; $show") -join "`n"
        $withoutModule = (Invoke-Child $show -Bare) -join "`n"
        $deserialized | Should -Be $afterCmdlet
        $deserialized | Should -Not -Be $withoutModule -Because 'without the module PowerShell lists every property'
    }

    It 'load in each runspace that imports the module' {
        $file = Join-Path $TestDrive 'features.clixml'
        Get-BpfFeature | Export-Clixml -LiteralPath $file
        # The view as a session shows it once a cmdlet of the module has run.
        $expected = Invoke-Child "`$null = Get-BpfFeature; Import-Clixml -LiteralPath '$file' | Out-String -Width 160"
        # A process without the module makes two runspaces that import it; each has tables of its own.
        $script = "Import-Module '$base/EbpfPs.psd1'; Import-Clixml -LiteralPath '$file' | Out-String -Width 160"
        $lines = Invoke-Child -Bare ('foreach ($i in 1..2) { $ps = [powershell]::Create(); ' +
            "`$ps.AddScript(`"$script`").Invoke(); `$ps.Dispose() }")
        $views = @($lines -ne '')
        $views.Count | Should -Be (2 * $expected.Count)
        $views[0..($expected.Count - 1)] | Should -Be $expected
        $views[$expected.Count..($views.Count - 1)] | Should -Be $expected
    }
}
