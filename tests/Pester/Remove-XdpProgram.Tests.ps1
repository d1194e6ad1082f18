# Interface names as Linux has them: an exact name is that interface (even one with *, ? or [ in it), a pattern
# only where no interface has the name, and case counts. Checked with `ip -d link`.
BeforeAll {
    Import-Module $PSScriptRoot/TestHelpers.psm1 -Force
    Import-EbpfPsUnderTest
    $script:ns = New-ScratchNamespace
    & ip -n $ns link add 'x[1]' type veth peer name x1
    & ip -n $ns link add 'a*b' type veth peer name ab
    $script:devices = 'x[1]', 'x1', 'a*b', 'ab'
    foreach ($d in $devices) { & ip -n $ns link set dev $d up }
    function Get-Attached { $devices | Where-Object { (Get-IpXdp $ns $_).Mode } }
}

AfterAll { Remove-ScratchState }

Describe 'Add-XdpProgram and Remove-XdpProgram: interface names are names' {
    AfterEach { foreach ($d in $devices) { & ip -n $ns link set dev $d xdpgeneric off } }

    It 'Add-XdpProgram a*b attaches to the interface a*b, not to ab' {
        Add-XdpProgram 'a*b' -NetNamespace $ns -Program pass -Mode Generic
        Get-Attached | Should -Be 'a*b'
    }

    It 'Remove-XdpProgram x[1] detaches from x[1] only' {
        Add-XdpProgram 'x[1]', x1 -NetNamespace $ns -Program pass -Mode Generic
        @(Get-Attached) | Should -Be @('x[1]', 'x1')
        Remove-XdpProgram 'x[1]' -NetNamespace $ns -Confirm:$false
        Get-Attached | Should -Be 'x1'
    }

    It 'a pattern no interface is named after detaches where there is a program and skips the others' {
        Add-XdpProgram x1 -NetNamespace $ns -Program pass -Mode Generic
        Remove-XdpProgram 'x?' -NetNamespace $ns -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        Get-Attached | Should -BeNullOrEmpty
        # An exact name without a program is still an error.
        (Get-Error { Remove-XdpProgram 'x[1]' -NetNamespace $ns -Confirm:$false }).FullyQualifiedErrorId |
            Should -BeLike 'NoXdpProgram,*'
    }

    It 'names are case-sensitive: X1 is InterfaceNotFound and x1 keeps its program' {
        Add-XdpProgram x1 -NetNamespace $ns -Program pass -Mode Generic
        $e = Get-Error { Remove-XdpProgram X1 -NetNamespace $ns -Confirm:$false }
        $e.FullyQualifiedErrorId | Should -BeLike 'InterfaceNotFound,*'
        (Get-Error { Add-XdpProgram 'X*' -NetNamespace $ns -Program pass -Mode Generic }).FullyQualifiedErrorId |
            Should -BeLike 'InterfaceNotFound,*'
        Get-Attached | Should -Be 'x1'
        @(Get-XdpProgram -NetNamespace $ns -Interface X1) | Should -BeNullOrEmpty
        (Get-XdpProgram -NetNamespace $ns -Interface x1).Interface | Should -Be 'x1'
    }

    It 'a name with a NUL in it is InvalidInterfaceName, never the name before the NUL' {
        $e = Get-Error { Add-XdpProgram "x1`0junk" -NetNamespace $ns -Program pass -Mode Generic }
        $e.FullyQualifiedErrorId | Should -BeLike 'InvalidInterfaceName,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-Attached | Should -BeNullOrEmpty
    }
}
