# Installing packages without starting their services. Dot-sourced by tools/BuildTasks.ps1.
# openssh-server's maintainer scripts would start a system sshd in the root namespace; EbpfPs wants sshd only
# inside fleet test networks (New-BpfTestNetwork -Topology Fleet), each with its own config. Debian's
# invoke-rc.d and deb-systemd-invoke ask /usr/sbin/policy-rc.d first, and exit code 101 means "do not start".

$script:PolicyRcD = '/usr/sbin/policy-rc.d'

function Get-RootNamespaceSshd {
    # sshd processes in this process's network namespace (the root one when the build runs there).
    $mine = (Get-Item /proc/self/ns/net).LinkTarget
    foreach ($dir in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue | Where-Object Name -Match '^\d+$') {
        try {
            $comm = (Get-Content -LiteralPath "$($dir.FullName)/comm" -ErrorAction Stop).Trim()
            if ($comm -ne 'sshd') { continue }
            if ((Get-Item -LiteralPath "$($dir.FullName)/ns/net" -ErrorAction Stop).LinkTarget -eq $mine) { [int]$dir.Name }
        }
        catch { } # the process ended while we looked
    }
}

function Invoke-AsRoot {
    # A simple function, like Invoke-Native: the command's own flags must not bind as parameters.
    if ((& id -u) -ne '0') { Invoke-Native sudo @args } else { Invoke-Native @args }
}

function Invoke-WithoutServiceStarts([scriptblock] $Action) {
    $backup = "$script:PolicyRcD.ebpfps-$PID"
    $had = Test-Path -LiteralPath $script:PolicyRcD
    $before = @(Get-RootNamespaceSshd)
    $policy = Join-Path ([IO.Path]::GetTempPath()) "ebpfps-policy-rc.d-$PID"
    Set-Content -LiteralPath $policy -Value "#!/bin/sh`n# Written by EbpfPs's build.ps1 Bootstrap for one apt-get install.`nexit 101"
    try {
        if ($had) { Invoke-AsRoot mv $script:PolicyRcD $backup }
        Invoke-AsRoot install -m 0755 $policy $script:PolicyRcD
        & $Action
    }
    finally {
        Remove-Item -LiteralPath $policy -ErrorAction SilentlyContinue
        if ($had) { Invoke-AsRoot mv -f $backup $script:PolicyRcD }
        else { Invoke-AsRoot rm -f $script:PolicyRcD }
    }
    $started = @(Get-RootNamespaceSshd | Where-Object { $_ -notin $before })
    if ($started) {
        # Something started one anyway (an init system we did not expect): stop exactly those and say so.
        Invoke-AsRoot kill -TERM @started
        throw "The package install started sshd in the root network namespace (pid $($started -join ', ')); it was " +
            'stopped. EbpfPs runs sshd only inside fleet test networks; disable the ssh service on this machine.'
    }
}
