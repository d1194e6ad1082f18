# Test networks are what their state files in /run/ebpfps/networks say, and nothing else: names are checked
# before they become paths, only recorded namespaces are deleted, one bad file does not hide the others.
# Checked with `ip netns list` and the files themselves.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:stateDir = '/run/ebpfps/networks'
    function Get-Namespaces { @(& ip netns list | ForEach-Object { ($_ -split ' ')[0] }) }
    $script:id = [guid]::NewGuid().ToString('N').Substring(0, 8)
}

AfterAll {
    Remove-ScratchState
    Get-ChildItem $stateDir -Filter "*$id*" -ErrorAction SilentlyContinue | Remove-Item -Force
}

Describe 'Remove-BpfTestNetwork deletes only what a state file records' {
    It 'namespaces that merely look like a network''s are not touched: TestNetworkNotFound' {
        $a = New-ScratchNamespace "rel-$id"
        $prefix = $a.Substring(0, $a.Length - 9)
        $b = "$prefix-a"
        & ip netns add $b
        try {
            $e = Get-Error { Remove-BpfTestNetwork $prefix -Confirm:$false }
            $e.FullyQualifiedErrorId | Should -BeLike 'TestNetworkNotFound,*'
            Get-Namespaces | Should -Contain $b
            Get-Namespaces | Should -Contain $a
        }
        finally { & ip netns del $b }
    }

    It 'a name that is a path is InvalidTestNetworkName: the file it points to and its namespace stay' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-important-$id"
        $null = New-Item -ItemType Directory $dir
        $victim = New-ScratchNamespace "victim-$id"
        try {
            Set-Content "$dir/important.json" (@{ Name = 'important'; Namespaces = @($victim) } | ConvertTo-Json)
            $relative = [IO.Path]::GetRelativePath($stateDir, "$dir/important")
            $e = Get-Error { Remove-BpfTestNetwork $relative -Confirm:$false }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidTestNetworkName,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Test-Path "$dir/important.json" | Should -BeTrue
            Get-Namespaces | Should -Contain $victim
        }
        finally { Remove-Item -LiteralPath $dir -Recurse -Force }
    }

    It 'a state file naming a namespace the network did not make is TestNetworkStateCorrupt, and it stays' {
        $victim = New-ScratchNamespace "foreign-$id"
        $name = "forged-$id"
        $null = New-Item -ItemType Directory -Force $stateDir
        Set-Content "$stateDir/$name.json" (@{ Name = $name; Namespaces = @($victim) } | ConvertTo-Json)
        $e = Get-Error { Remove-BpfTestNetwork $name -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'TestNetworkStateCorrupt,*'
        Get-Namespaces | Should -Contain $victim
        Remove-Item "$stateDir/$name.json"
    }
}

Describe 'Test network state files' {
    BeforeAll { $script:net = New-BpfTestNetwork "state-$id" }
    AfterAll { if ($net) { Remove-BpfTestNetwork $net.Name -Confirm:$false -ErrorAction SilentlyContinue } }

    It 'live in a folder only root may enter, one whole JSON file per network' {
        (& stat -c '%a %U' $stateDir) | Should -Be '700 root'
        $saved = Get-Content "$stateDir/$($net.Name).json" -Raw | ConvertFrom-Json
        $saved.Name | Should -Be $net.Name
        $saved.Namespaces | Should -Be $net.Namespaces
        @(Get-ChildItem $stateDir -Filter '*.tmp' -Force) | Should -BeNullOrEmpty
        foreach ($ns in $net.Namespaces) { Get-Namespaces | Should -Contain $ns }
    }

    It 'a damaged file is skipped with a warning: Get-BpfTestNetwork still lists the others' {
        $bad = "$stateDir/broken-$id.json"
        Set-Content $bad '{ "Name": "broken-'
        try {
            $listed = Get-BpfTestNetwork -WarningVariable warned -WarningAction SilentlyContinue
            $listed.Name | Should -Contain $net.Name
            "$warned" | Should -Match "broken-$id\.json"
            (Get-Error { Remove-BpfTestNetwork "broken-$id" -Confirm:$false }).FullyQualifiedErrorId |
                Should -BeLike 'TestNetworkStateCorrupt,*'
            Test-Path $bad | Should -BeTrue
        }
        finally { Remove-Item $bad }
    }

    It 'Remove-BpfTestNetwork removes its namespaces and its file' {
        Remove-BpfTestNetwork $net.Name -Confirm:$false
        foreach ($ns in $net.Namespaces) { Get-Namespaces | Should -Not -Contain $ns }
        Test-Path "$stateDir/$($net.Name).json" | Should -BeFalse
        $script:net = $null
    }
}

Describe 'Remove-BpfTestNetwork takes the networks themselves' {
    It 'as its first argument, one or several, as Remove-Item takes files' {
        $one = New-BpfTestNetwork "obj1-$id"
        $two = New-BpfTestNetwork "obj2-$id"
        $three = New-BpfTestNetwork "obj3-$id"
        try {
            Remove-BpfTestNetwork $one -Confirm:$false
            Remove-BpfTestNetwork @($two, $three) -Confirm:$false
            foreach ($net in $one, $two, $three) {
                foreach ($ns in $net.Namespaces) { Get-Namespaces | Should -Not -Contain $ns }
                Test-Path "$stateDir/$($net.Name).json" | Should -BeFalse
            }
        }
        finally {
            Get-BpfTestNetwork -Name "obj?-$id" | Remove-BpfTestNetwork -Confirm:$false -ErrorAction SilentlyContinue
        }
    }
}
