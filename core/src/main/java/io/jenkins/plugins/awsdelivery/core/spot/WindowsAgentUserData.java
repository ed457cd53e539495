package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The boot script of an inbound Windows agent, as EC2Launch v2 user data ({@code <powershell>}), for Windows
 * PowerShell 5.1. Same contract as {@link AgentUserData#render}: it reads its instance ID, its signed instance
 * identity document and the document's PKCS7 signatures from IMDSv2, runs the template's own script, downloads
 * {@code agent.jar}, asks the controller for its secret with the same form as the Linux script (see
 * {@link AgentSecretIssuer}), retrying while its agent is being added, and connects over WebSocket.
 *
 * <p>Windows differences, and why:
 * <ul>
 *   <li>The secret, {@code agent.jar} and the start script live in {@code %ProgramData%\jenkins-agent}, a directory
 *       made afresh with inheritance removed and only SYSTEM and Administrators allowed (icacls, by SID so that
 *       localised Windows works): the agent runs as SYSTEM, so whoever could change these files could run code as
 *       SYSTEM. The agent reads the secret with {@code -secret @file}; it is never on a command line.</li>
 *   <li>The agent runs from a scheduled task as SYSTEM, triggered at startup and started at once: EC2Launch v2 waits
 *       for the user-data script, and the task outlives it. The secret is handed out once, so after a reboot the
 *       task reconnects with the secret file; the user data is not persisted.</li>
 *   <li>Before Java is looked up (JENKINS_JAVA_BIN as in Jenkins' agent images, JAVA_HOME, then PATH), the
 *       environment is reloaded from the registry, like Chocolatey's {@code refreshenv}: an init script that
 *       installs a JDK or tools only changes the registry, not the running PowerShell
 *       (jenkins-infra/helpdesk#5202).</li>
 * </ul>
 * Every value is embedded only as a PowerShell single-quoted literal, never in a comment or a double-quoted string.
 */
public final class WindowsAgentUserData {

    /** EC2 refuses user data over 16 KB (before base64). */
    static final int MAX_USER_DATA_BYTES = 16 * 1024;
    /** The scheduled task that runs the agent. */
    static final String TASK_NAME = "Jenkins Spot agent";

    private WindowsAgentUserData() {}

    /**
     * @param remoteFs    the agent's work directory in Windows form, e.g. {@code C:\jenkins\agent}
     * @param jvmOptions  options for the agent's JVM, separated by spaces; an option with spaces in double quotes
     * @param extraScript the user's own PowerShell, run as SYSTEM before the agent starts (may be empty); it is part
     *                    of the instance's user data, which anyone allowed ec2:DescribeInstanceAttribute can read.
     *                    Keep it ASCII: Windows PowerShell 5.1 reads a script file without a byte order mark in the
     *                    system's ANSI code page, so other characters may arrive changed
     * @throws io.jenkins.plugins.awsdelivery.core.StageException for a controller URL, remote root directory or JVM
     *                    options with a character outside ASCII, or a JVM option with a space that ends with a
     *                    backslash (Windows PowerShell would quote it so that the backslash escapes the quote)
     */
    public static String render(String controllerUrl, String cloudName, String remoteFs, String jvmOptions,
                                String extraScript) {
        String url = AgentUserData.controllerUrl(controllerUrl);
        requireAscii("Jenkins URL", url);
        String cloud = cloudName == null ? "" : cloudName;
        String agentDir = windowsDir(remoteFs);
        String extra = extraScript == null ? "" : extraScript.strip();
        requireAscii("remote root directory", agentDir);
        requireAscii("JVM options", jvmOptions == null ? "" : jvmOptions);
        for (String value : new String[] {cloud, agentDir, jvmOptions == null ? "" : jvmOptions, extra}) {
            if (value.toLowerCase(Locale.ROOT).contains("</powershell>")) {
                throw StageException.invalidInput("A Windows agent setting contains '</powershell>', which would end "
                        + "the user-data script early.", "Remove '</powershell>' from the init script, remote root "
                        + "directory and JVM options; EC2Launch adds the tags itself.");
            }
        }
        if (extra.toLowerCase(Locale.ROOT).contains("<persist>")) {
            throw StageException.invalidInput("The init script of a Windows agent contains '<persist>', which would "
                    + "run the bootstrap again at every boot; the controller hands an instance its secret once.",
                    "Remove '<persist>': the agent's scheduled task already starts it again after a reboot.");
        }
        List<String> jvmArgs = jvmArguments(jvmOptions);
        for (String arg : jvmArgs) {
            if (arg.endsWith("\\") && arg.chars().anyMatch(Character::isWhitespace)) {
                throw StageException.invalidInput("The JVM option '" + arg + "' contains a space and ends with a "
                        + "backslash: Windows PowerShell passes it in double quotes, and the backslash would escape "
                        + "the closing quote.",
                        "Remove the trailing backslash (a Windows directory works without it).");
            }
        }
        String launcher = launcher(url, agentDir, jvmArgs);
        String script = "<powershell>\n"
                + "# Jenkins Spot agent bootstrap written by aws-delivery-stages (cloud: $CloudName below)\n"
                + "# Runs once, at first boot (not persisted): the agent secret is handed out once, and the\n"
                + "# scheduled task below starts the agent again after a reboot.\n"
                + "$ErrorActionPreference = 'Stop'\n"
                // Seconds since Windows started (TickCount wraps after 24 days; a first boot is far from that).
                + "$UptimeAtStart = [int]([Environment]::TickCount / 1000)\n"
                + "$ProgressPreference = 'SilentlyContinue'\n"
                + "[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol"
                + " -bor [Net.SecurityProtocolType]::Tls12\n"
                + "$JenkinsUrl = " + quote(url) + "\n"
                + "$CloudName = " + quote(cloud) + "\n"
                + "$AgentDir = " + quote(agentDir) + "\n"
                + "$BootDir = Join-Path $env:ProgramData 'jenkins-agent'\n"
                + "$SecretFile = Join-Path $BootDir 'secret'\n"
                + "$AgentJar = Join-Path $BootDir 'agent.jar'\n"
                + "$StartScript = Join-Path $BootDir 'start-agent.ps1'\n"
                + COMMON_FUNCTIONS
                // Windows PowerShell gives bytes instead of text for some content types.
                + "function Get-Text($Response) {\n"
                + "  if ($Response.Content -is [byte[]]) {"
                + " return [Text.Encoding]::UTF8.GetString($Response.Content) }\n"
                + "  return [string]$Response.Content\n"
                + "}\n"
                + "function Get-Imds([string]$Path, [switch]$Optional) {\n"
                + "  try {\n"
                + "    $r = Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 -Uri ('http://169.254.169.254/latest/'"
                + " + $Path) -Headers @{ 'X-aws-ec2-metadata-token' = $ImdsToken }\n"
                + "  } catch {\n"
                + "    if ($Optional) { return '' }\n"
                + "    throw\n"
                + "  }\n"
                + "  return Get-Text $r\n"
                + "}\n"
                + "function Set-OwnerOnlyAcl([string]$Path, [string]$Inherit) {\n"
                + "  # SYSTEM (S-1-5-18) and Administrators (S-1-5-32-544) only, inherited entries removed.\n"
                + "  & icacls.exe $Path /inheritance:r /grant:r ('*S-1-5-18:' + $Inherit + 'F')"
                + " ('*S-1-5-32-544:' + $Inherit + 'F') | Out-Null\n"
                + "  if ($LASTEXITCODE -ne 0) { throw \"icacls could not restrict $Path (exit code $LASTEXITCODE)\" }\n"
                + "}\n"
                + "# 1. IMDSv2: session token, instance ID, identity document and its signatures.\n"
                + "for ($attempt = 1; ; $attempt++) {\n"
                + "  try {\n"
                + "    $ImdsToken = Get-Text (Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 -Method Put"
                + " -Uri 'http://169.254.169.254/latest/api/token'"
                + " -Headers @{ 'X-aws-ec2-metadata-token-ttl-seconds' = '300' })\n"
                + "    break\n"
                + "  } catch {\n"
                + "    if ($attempt -ge 5) { throw }\n"
                + "    Start-Sleep -Seconds 2\n"
                + "  }\n"
                + "}\n"
                + "$InstanceId = Get-Imds 'meta-data/instance-id'\n"
                + "if ($InstanceId -notmatch '^i-[0-9a-f]+$') { throw \"IMDS returned no instance ID.\" }\n"
                + "$Document = Get-Imds 'dynamic/instance-identity/document'\n"
                + "$Pkcs7 = Get-Imds 'dynamic/instance-identity/pkcs7'\n"
                + "$Rsa2048 = Get-Imds 'dynamic/instance-identity/rsa2048' -Optional\n"
                + (extra.isEmpty() ? "" : "# 2. The template's init script, as SYSTEM, before the agent starts.\n"
                        + "& {\n" + extra + "\n}\n")
                + "# 3. Environment reloaded from the registry (refreshenv), then Java from JAVA_HOME or PATH.\n"
                + "Update-SessionEnvironment\n"
                + "$Java = Find-Java\n"
                + "Write-Output \"Jenkins agent $InstanceId will run $Java\"\n"
                + "# 4. A fresh directory only SYSTEM and Administrators can open, for agent.jar, secret and start"
                + " script.\n"
                + "New-Item -ItemType Directory -Force -Path $AgentDir | Out-Null\n"
                + "if (Test-Path -LiteralPath $BootDir) { Remove-Item -LiteralPath $BootDir -Recurse -Force }\n"
                + "New-Item -ItemType Directory -Path $BootDir | Out-Null\n"
                + "Set-OwnerOnlyAcl $BootDir '(OI)(CI)'\n"
                + "for ($attempt = 1; ; $attempt++) {\n"
                + "  try {\n"
                + "    Invoke-WebRequest -UseBasicParsing -TimeoutSec 120 -Uri ($JenkinsUrl + 'jnlpJars/agent.jar')"
                + " -OutFile $AgentJar\n"
                + "    break\n"
                + "  } catch {\n"
                + "    if ($attempt -ge 10) { throw }\n"
                + "    Start-Sleep -Seconds 10\n"
                + "  }\n"
                + "}\n"
                + "# 5. The secret, for the signed identity document (same form as the Linux agents).\n"
                + "$Form = 'cloud=' + [Uri]::EscapeDataString($CloudName)"
                + " + '&document=' + [Uri]::EscapeDataString($Document)"
                + " + '&pkcs7=' + [Uri]::EscapeDataString($Pkcs7)"
                + " + '&rsa2048=' + [Uri]::EscapeDataString($Rsa2048)"
                + " + '&uptimeAtStart=' + $UptimeAtStart\n"
                + "New-Item -ItemType File -Force -Path $SecretFile | Out-Null\n"
                + "Set-OwnerOnlyAcl $SecretFile ''\n"
                + "$Granted = $false\n"
                // 15 minutes in all, however long each request takes (up to 30 s).
                + "$Deadline = (Get-Date).AddMinutes(15)\n"
                + "for ($attempt = 1; (Get-Date) -lt $Deadline; $attempt++) {\n"
                + "  $Status = 0\n"
                + "  try {\n"
                + "    $Answer = Invoke-WebRequest -UseBasicParsing -TimeoutSec 30 -Method Post"
                + " -Uri ($JenkinsUrl + '" + AgentUserData.SECRET_PATH + "')"
                + " -ContentType 'application/x-www-form-urlencoded'"
                + " -Body ($Form + '&uptimeAtRequest=' + [int]([Environment]::TickCount / 1000))\n"
                + "    $Status = [int]$Answer.StatusCode\n"
                + "  } catch {\n"
                + "    if ($_.Exception.Response) { $Status = [int]$_.Exception.Response.StatusCode }\n"
                + "  }\n"
                + "  if ($Status -eq 200) {\n"
                + "    $Secret = (Get-Text $Answer).Trim()\n"
                + "    # No byte order mark: the agent reads the file as it is.\n"
                + "    [IO.File]::WriteAllText($SecretFile, $Secret, (New-Object Text.UTF8Encoding($false)))\n"
                + "    $Granted = $Secret.Length -gt 0\n"
                + "    Remove-Variable Secret, Answer\n"
                + "    break\n"
                + "  }\n"
                + "  if ($Status -eq 403) { throw \"The controller refused the agent secret of $InstanceId\" }\n"
                // 503 (the node is being added), 429 (slow down) or no answer: 1, 2, 4, 8, then 10 s, plus jitter.
                + "  $Delay = if ($attempt -ge 5) { 10 } else { [Math]::Pow(2, $attempt - 1) }\n"
                + "  Start-Sleep -Milliseconds ([int](1000 * $Delay * (1 + (Get-Random -Maximum 1.0))))\n"
                + "}\n"
                + "if (-not $Granted) { throw \"No agent secret for $InstanceId after 15 minutes\" }\n"
                + "# 6. The agent, as SYSTEM from a scheduled task: started now, and again at every startup.\n"
                + "[IO.File]::WriteAllText($StartScript, " + quote(launcher)
                + ", (New-Object Text.UTF8Encoding($true)))\n"
                + "$System = (New-Object Security.Principal.SecurityIdentifier('S-1-5-18'))"
                + ".Translate([Security.Principal.NTAccount]).Value\n"
                + "$Action = New-ScheduledTaskAction -WorkingDirectory $AgentDir"
                + " -Execute (Join-Path $env:SystemRoot 'System32\\WindowsPowerShell\\v1.0\\powershell.exe')"
                + " -Argument ('-NoProfile -NonInteractive -ExecutionPolicy Bypass -File \"' + $StartScript"
                + " + '\" -AgentName ' + $InstanceId)\n"
                + "$Principal = New-ScheduledTaskPrincipal -UserId $System -LogonType ServiceAccount"
                + " -RunLevel Highest\n"
                // No time limit (the default stops a task after 72 h), and normal priority: the default, 7, gives the
                // agent and its builds below-normal CPU, I/O and memory priority.
                + "$Settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries"
                + " -StartWhenAvailable -MultipleInstances IgnoreNew -ExecutionTimeLimit ([TimeSpan]::Zero)"
                + " -Priority 4\n"
                + "Register-ScheduledTask -TaskName " + quote(TASK_NAME) + " -Action $Action"
                + " -Trigger (New-ScheduledTaskTrigger -AtStartup) -Principal $Principal -Settings $Settings -Force"
                + " | Out-Null\n"
                + "Start-ScheduledTask -TaskName " + quote(TASK_NAME) + "\n"
                + "Write-Output \"Jenkins agent $InstanceId started by the scheduled task '" + TASK_NAME + "'\"\n"
                + "</powershell>\n";
        int bytes = script.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_USER_DATA_BYTES) {
            throw StageException.invalidInput("The Windows agent user data of cloud '" + cloud + "' is " + bytes
                    + " bytes; EC2 accepts at most " + MAX_USER_DATA_BYTES + ".",
                    "Shorten the init script, e.g. download and run a script from S3 instead of inlining it.");
        }
        return script;
    }

    /**
     * Refuses a character outside ASCII: Windows PowerShell 5.1 reads the user-data script in the system's ANSI code
     * page, so it would arrive changed.
     */
    private static void requireAscii(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0x7F) {
                throw StageException.invalidInput("Character '" + c + "' (U+" + String.format("%04X", (int) c)
                        + ") in the " + field + " of a Windows agent is not ASCII: Windows PowerShell 5.1 would read "
                        + "it changed.", "Use only ASCII characters in the " + field + ".");
            }
        }
    }

    /** Used by both scripts: the environment reloaded from the registry (refreshenv), and where Java is. */
    private static final String COMMON_FUNCTIONS = "function Update-SessionEnvironment {\n"
            + "  foreach ($Scope in 'Machine', 'User') {\n"
            + "    $Vars = [Environment]::GetEnvironmentVariables($Scope)\n"
            + "    foreach ($Name in @($Vars.Keys)) {\n"
            + "      if (@('Path', 'PSModulePath', 'USERNAME', 'PROCESSOR_ARCHITECTURE') -notcontains $Name) {\n"
            + "        [Environment]::SetEnvironmentVariable($Name, [string]$Vars[$Name], 'Process')\n"
            + "      }\n"
            + "    }\n"
            + "  }\n"
            + "  $env:Path = (@([Environment]::GetEnvironmentVariable('Path', 'Machine'),"
            + " [Environment]::GetEnvironmentVariable('Path', 'User')) | Where-Object { $_ }) -join ';'\n"
            + "}\n"
            + "function Find-Java {\n"
            + "  if ($env:JENKINS_JAVA_BIN) { return $env:JENKINS_JAVA_BIN }\n"
            + "  if ($env:JAVA_HOME) {\n"
            + "    $Candidate = Join-Path $env:JAVA_HOME 'bin\\java.exe'\n"
            + "    if (Test-Path -LiteralPath $Candidate -PathType Leaf) { return $Candidate }\n"
            + "  }\n"
            + "  $Found = Get-Command -Name 'java.exe' -CommandType Application -ErrorAction SilentlyContinue"
            + " | Select-Object -First 1\n"
            + "  if ($Found) { return $Found.Path }\n"
            + "  throw 'No Java: install a JDK 17 or 21 in the AMI (or from the init script) and set JAVA_HOME"
            + " or the machine PATH.'\n"
            + "}\n";

    /**
     * The start script the scheduled task runs at every start: it reloads the environment, finds Java and runs the
     * agent, again after 30 s if it ends (remoting itself reconnects while its JVM lives). The remoting log is in
     * the work directory's {@code remoting\logs}.
     */
    private static String launcher(String url, String agentDir, List<String> jvmArgs) {
        StringBuilder args = new StringBuilder("@(");
        for (int i = 0; i < jvmArgs.size(); i++) {
            args.append(i == 0 ? "" : ", ").append(quote(jvmArgs.get(i)));
        }
        args.append(')');
        return "# Jenkins Spot agent start script written by aws-delivery-stages; run as SYSTEM by a scheduled task.\n"
                + "param([Parameter(Mandatory = $true)][ValidatePattern('^i-[0-9a-f]+$')][string]$AgentName)\n"
                + "$ErrorActionPreference = 'Stop'\n"
                + "$JenkinsUrl = " + quote(url) + "\n"
                + "$AgentDir = " + quote(agentDir) + "\n"
                + "$JvmOptions = " + args + "\n"
                + "$Log = Join-Path $PSScriptRoot 'start-agent.log'\n"
                + COMMON_FUNCTIONS
                + "while ($true) {\n"
                + "  try {\n"
                + "    Update-SessionEnvironment\n"
                + "    $Java = Find-Java\n"
                + "    Add-Content -LiteralPath $Log -Value \"$(Get-Date -Format o) starting $Java\"\n"
                + "    Set-Location -LiteralPath $AgentDir\n"
                + "    & $Java @JvmOptions -jar (Join-Path $PSScriptRoot 'agent.jar') -url $JenkinsUrl -name $AgentName"
                + " -secret ('@' + (Join-Path $PSScriptRoot 'secret')) -webSocket -workDir $AgentDir\n"
                + "    Add-Content -LiteralPath $Log -Value \"$(Get-Date -Format o) agent ended with $LASTEXITCODE\"\n"
                + "  } catch {\n"
                + "    Add-Content -LiteralPath $Log -Value \"$(Get-Date -Format o) $_\"\n"
                + "  }\n"
                + "  Start-Sleep -Seconds 30\n"
                + "}\n";
    }

    /**
     * A PowerShell single-quoted literal: nothing inside is expanded ({@code $}, backtick, double quotes), and a
     * quote is doubled. PowerShell also ends single-quoted strings at the typographic quotes U+2018..U+201B, so those
     * are doubled too.
     */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c);
            if (isSingleQuote(c)) {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    static boolean isSingleQuote(char c) {
        return c == '\'' || c >= '\u2018' && c <= '\u201B';
    }

    /**
     * JVM options as separate arguments: split at whitespace outside double quotes, the quotes removed, so
     * {@code -Xmx2g "-Dname=a b"} gives two arguments.
     */
    static List<String> jvmArguments(String jvmOptions) {
        List<String> out = new ArrayList<>();
        if (jvmOptions == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < jvmOptions.length(); i++) {
            char c = jvmOptions.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                flush(current, out);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw StageException.invalidInput("The JVM options '" + jvmOptions + "' have an unclosed double quote.",
                    "Close the quote, e.g. \"-Dname=a b\".");
        }
        flush(current, out);
        return out;
    }

    private static void flush(StringBuilder current, List<String> out) {
        if (current.length() > 0) {
            out.add(current.toString());
            current.setLength(0);
        }
    }

    /** The work directory without a trailing separator (a quoted {@code "C:\a b\"} would escape its quote). */
    private static String windowsDir(String remoteFs) {
        String dir = remoteFs == null || remoteFs.isBlank() ? "C:\\jenkins\\agent" : remoteFs.strip();
        while (dir.length() > 3 && (dir.endsWith("\\") || dir.endsWith("/"))) {
            dir = dir.substring(0, dir.length() - 1);
        }
        return dir;
    }

}
