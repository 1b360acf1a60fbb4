#Requires -Version 7.0
<#
.SYNOPSIS
    Builds and tests Messaging.WhatsApp: a thin wrapper over the dotnet commands in README.md.

.DESCRIPTION
    Build compiles Generated.sln; the build itself regenerates a client whenever its spec under specs/,
    nswag.json or a template under generator/Templates changed. Test runs every test project of the
    solution. The script stops at the first command that fails and returns its exit code.

.EXAMPLE
    ./build.ps1                 # build, then test
.EXAMPLE
    ./build.ps1 -Target Build -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'All')]
    [string] $Target = 'All',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Dotnet {
    param([Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Arguments)

    Write-Host "> dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        Write-Error "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
        exit $LASTEXITCODE
    }
}

Push-Location $PSScriptRoot
try {
    if ($Target -in 'Build', 'All') {
        Invoke-Dotnet build Generated.sln --configuration $Configuration
    }
    if ($Target -in 'Test', 'All') {
        Invoke-Dotnet test Generated.sln --configuration $Configuration
    }
}
finally {
    Pop-Location
}
