#Requires -Version 7.0
<#
.SYNOPSIS
    Builds, tests and packs Messaging.WhatsApp: a thin wrapper over the dotnet commands in README.md.

.DESCRIPTION
    Build compiles Generated.sln; the build itself regenerates a client whenever its spec under specs/,
    nswag.json or a template under generator/Templates changed. Test runs every test project of the
    solution. Pack writes the packages to artifacts/packages and runs the consumer test, which installs
    them from there. The script stops at the first command that fails and returns its exit code.

.EXAMPLE
    ./build.ps1                 # build, test, pack
.EXAMPLE
    ./build.ps1 -Target Build -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pack', 'All')]
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
    if ($Target -in 'Pack', 'All') {
        Invoke-Dotnet pack Generated.sln --configuration Release --output artifacts/packages
        Invoke-Dotnet test tests/Messaging.WhatsApp.ConsumerTests --configuration $Configuration
    }
}
finally {
    Pop-Location
}
