# Install Microsoft MPI (runtime + SDK) on a GitHub Actions Windows runner, from Microsoft's
# redistributable downloads, and make it visible to the following steps of the job.
#
# - msmpisetup.exe: the runtime (msmpi.dll, mpiexec.exe, smpd.exe) -> C:\Program Files\Microsoft MPI
# - msmpisdk.msi:   headers and import libraries -> C:\Program Files (x86)\Microsoft SDKs\MPI
# The installers set MSMPI_BIN / MSMPI_INC / MSMPI_LIB64 machine-wide, which steps that are already
# running do not see, so they are exported again through GITHUB_ENV / GITHUB_PATH.
#
# Version 10.1.2 (the files under download/a/5/2/a5207ca5-...); sha256 values as published by
# other packagers of the same files (Julia's MicrosoftMPI build recipe). A changed download fails here.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$base = 'https://download.microsoft.com/download/a/5/2/a5207ca5-1203-491a-8fb8-906fd68ae623'
$files = @{
    'msmpisetup.exe' = 'c305ce3f05d142d519f8dd800d83a4b894fc31bcad30512cefb557feaccbe8b4'
    'msmpisdk.msi'   = 'f9174c54feda794586ebd83eea065be4ad38b36f32af6e7dd9158d8fd1c08433'
}
$tmp = if ($env:RUNNER_TEMP) { $env:RUNNER_TEMP } else { [System.IO.Path]::GetTempPath() }

foreach ($name in $files.Keys) {
    $path = Join-Path $tmp $name
    Write-Host "Downloading $base/$name"
    Invoke-WebRequest -Uri "$base/$name" -OutFile $path -UseBasicParsing
    $hash = (Get-FileHash -Algorithm SHA256 $path).Hash.ToLowerInvariant()
    if ($hash -ne $files[$name]) {
        throw "install-msmpi: $name has sha256 $hash, expected $($files[$name]); refusing to install it"
    }
}

Write-Host 'Installing the MS-MPI runtime'
$p = Start-Process -FilePath (Join-Path $tmp 'msmpisetup.exe') -ArgumentList '-unattend' -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "install-msmpi: msmpisetup.exe exited with $($p.ExitCode)" }

Write-Host 'Installing the MS-MPI SDK'
$p = Start-Process -FilePath 'msiexec.exe' -ArgumentList '/i', (Join-Path $tmp 'msmpisdk.msi'), '/quiet', '/qn', '/norestart' -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "install-msmpi: msiexec msmpisdk.msi exited with $($p.ExitCode)" }

$vars = @{}
foreach ($name in 'MSMPI_BIN', 'MSMPI_INC', 'MSMPI_LIB64', 'MSMPI_LIB32') {
    $value = [Environment]::GetEnvironmentVariable($name, 'Machine')
    if (-not $value) { throw "install-msmpi: the installers did not set $name" }
    $vars[$name] = $value
}
if (-not (Test-Path (Join-Path $vars['MSMPI_BIN'] 'mpiexec.exe'))) {
    throw "install-msmpi: no mpiexec.exe in MSMPI_BIN=$($vars['MSMPI_BIN'])"
}

if ($env:GITHUB_ENV) {
    foreach ($name in $vars.Keys) { Add-Content -Path $env:GITHUB_ENV -Value "$name=$($vars[$name])" }
    Add-Content -Path $env:GITHUB_PATH -Value $vars['MSMPI_BIN']
}
foreach ($name in $vars.Keys) { Write-Host "$name=$($vars[$name])" }
