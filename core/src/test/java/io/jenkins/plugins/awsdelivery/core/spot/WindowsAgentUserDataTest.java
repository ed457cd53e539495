package io.jenkins.plugins.awsdelivery.core.spot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Windows bootstrap as EC2Launch v2 runs it. No PowerShell here, so the values are read back from the rendered
 * script with PowerShell's own rule for single-quoted strings (a quote, ASCII or typographic, doubled is one
 * quote; nothing else is special), which is what decides whether a value can break out of its literal.
 */
class WindowsAgentUserDataTest {

    private static final String URL = "https://ci.example.com";

    private static String render(String extra) {
        return WindowsAgentUserData.render(URL, "win-spot", "C:\\jenkins\\agent", "-Xmx2g", extra);
    }

    @Test
    void everyStepIsThereInTheOrderTheAgentNeedsThem() {
        String script = render("choco install -y git");

        assertThat(script).startsWith("<powershell>\n").endsWith("</powershell>\n").doesNotContain("<persist>")
                .contains("$ErrorActionPreference = 'Stop'")
                .contains("Tls12")
                .contains("-UseBasicParsing");
        assertInOrder(script,
                "-Method Put -Uri 'http://169.254.169.254/latest/api/token'",
                "'X-aws-ec2-metadata-token-ttl-seconds' = '300'",
                "Get-Imds 'meta-data/instance-id'",
                "Get-Imds 'dynamic/instance-identity/document'",
                "Get-Imds 'dynamic/instance-identity/pkcs7'",
                "Get-Imds 'dynamic/instance-identity/rsa2048' -Optional",
                "choco install -y git",
                "Update-SessionEnvironment\n$Java = Find-Java",
                "Set-OwnerOnlyAcl $BootDir '(OI)(CI)'",
                "($JenkinsUrl + 'jnlpJars/agent.jar') -OutFile $AgentJar",
                "'cloud=' + [Uri]::EscapeDataString($CloudName) + '&document=' + [Uri]::EscapeDataString($Document)"
                        + " + '&pkcs7=' + [Uri]::EscapeDataString($Pkcs7) + '&rsa2048=' + [Uri]::EscapeDataString("
                        + "$Rsa2048)",
                "Set-OwnerOnlyAcl $SecretFile ''",
                "-Uri ($JenkinsUrl + 'aws-spot-agent/secret') -ContentType 'application/x-www-form-urlencoded'",
                "if ($Status -eq 403) { throw",
                "New-ScheduledTaskPrincipal -UserId $System -LogonType ServiceAccount -RunLevel Highest",
                "-ExecutionTimeLimit ([TimeSpan]::Zero) -Priority 4",
                "-Trigger (New-ScheduledTaskTrigger -AtStartup)",
                "Start-ScheduledTask -TaskName 'Jenkins Spot agent'");
        // The same budget as the Linux agents, 15 minutes, bounded by the clock however long each request takes;
        // 503 (node not added yet) and 429 (slow down) retry after 1, 2, 4, 8, then 10 s, with jitter, as on Linux.
        assertThat(script).contains("$Deadline = (Get-Date).AddMinutes(15)")
                .contains("for ($attempt = 1; (Get-Date) -lt $Deadline; $attempt++)")
                .contains("$Delay = if ($attempt -ge 5) { 10 } else { [Math]::Pow(2, $attempt - 1) }")
                .contains("Start-Sleep -Milliseconds ([int](1000 * $Delay * (1 + (Get-Random -Maximum 1.0))))")
                .contains("after 15 minutes");
        // The uptimes for the boot-time breakdown: when the script started, and at each request.
        assertThat(script).contains("$UptimeAtStart = [int]([Environment]::TickCount / 1000)")
                .contains(" + '&uptimeAtStart=' + $UptimeAtStart")
                .contains("-Body ($Form + '&uptimeAtRequest=' + [int]([Environment]::TickCount / 1000))");
        // Only SYSTEM and Administrators, by SID so that localised Windows works, inherited entries removed.
        assertThat(script).contains("icacls.exe $Path /inheritance:r /grant:r ('*S-1-5-18:' + $Inherit + 'F')"
                + " ('*S-1-5-32-544:' + $Inherit + 'F')")
                .contains("throw \"icacls could not restrict $Path");
        assertThat(script).contains("SecurityIdentifier('S-1-5-18')");

        String launcher = launcherOf(script);
        assertThat(launcher).contains("Update-SessionEnvironment\n    $Java = Find-Java");
        // The agent's Java: JENKINS_JAVA_BIN (so builds may keep another JAVA_HOME), JAVA_HOME, then PATH.
        assertInOrder(launcher, "function Find-Java {", "$env:JENKINS_JAVA_BIN", "$env:JAVA_HOME 'bin\\java.exe'",
                "Get-Command -Name 'java.exe'");
        assertThat(launcher)
                .contains("[Environment]::GetEnvironmentVariable('Path', 'Machine')")
                .contains("& $Java @JvmOptions -jar (Join-Path $PSScriptRoot 'agent.jar') -url $JenkinsUrl"
                        + " -name $AgentName -secret ('@' + (Join-Path $PSScriptRoot 'secret')) -webSocket"
                        + " -workDir $AgentDir");
        assertThat(literalAfter(launcher, "$AgentDir = ")).isEqualTo("C:\\jenkins\\agent");
        assertThat(literalAfter(launcher, "$JenkinsUrl = ")).isEqualTo(URL + "/");
    }

    @Test
    void valuesWithQuotesSpacesDollarsAndBackticksStayLiteral() {
        String cloud = "it's `n $env:USERNAME \"x\" \u2019curly\u2018 $(calc)";
        String dir = "C:\\Jenkins Agents\\o'neil $HOME `t\\";
        String url = "https://ci.example.com/it's$x/";
        String script = WindowsAgentUserData.render(url, cloud, dir,
                "-Xmx1g   \"-Dname=a 'b' $c `d\" -Dquote='", "");

        assertThat(literalAfter(script, "$CloudName = ")).isEqualTo(cloud);
        assertThat(literalAfter(script, "$JenkinsUrl = ")).isEqualTo(url);
        // A trailing backslash goes: "C:\a b\" would escape its closing quote on java's command line.
        assertThat(literalAfter(script, "$AgentDir = ")).isEqualTo("C:\\Jenkins Agents\\o'neil $HOME `t");

        String launcher = launcherOf(script);
        assertThat(literalAfter(launcher, "$AgentDir = ")).isEqualTo("C:\\Jenkins Agents\\o'neil $HOME `t");
        assertThat(literalAfter(launcher, "$JenkinsUrl = ")).isEqualTo(url);
        assertThat(literalsIn(launcher, "$JvmOptions = @(")).containsExactly("-Xmx1g", "-Dname=a 'b' $c `d",
                "-Dquote='");
        // A line break stays inside the literal; no value is written anywhere else, comments included.
        String twoLines = "a\nRemove-Item C:\\ -Recurse";
        String withBreak = WindowsAgentUserData.render(URL, twoLines, "C:\\a", "", "");
        assertThat(literalAfter(withBreak, "$CloudName = ")).isEqualTo(twoLines);
        assertThat(withBreak.split("Remove-Item C:\\\\ -Recurse", -1)).hasSize(2);
    }

    @Test
    void theSecretIsNeverOnACommandLine() {
        String script = render("Write-Output 'init'");
        Pattern secretVariable = Pattern.compile("\\$Secret\\b(?!File)");

        List<String> uses = new ArrayList<>();
        for (String line : script.split("\n")) {
            if (secretVariable.matcher(line).find()) {
                uses.add(line.strip());
            }
        }
        assertThat(uses).containsExactly(
                "$Secret = (Get-Text $Answer).Trim()",
                "[IO.File]::WriteAllText($SecretFile, $Secret, (New-Object Text.UTF8Encoding($false)))",
                "$Granted = $Secret.Length -gt 0");
        assertThat(script).contains("Remove-Variable Secret, Answer");
        // The file is restricted before anything is written to it.
        assertThat(script.indexOf("Set-OwnerOnlyAcl $SecretFile ''"))
                .isLessThan(script.indexOf("WriteAllText($SecretFile"));
        // The scheduled task's command line names the start script and the instance, nothing else.
        Matcher action = Pattern.compile("-Argument \\((.*)\\)\n").matcher(script);
        assertThat(action.find()).isTrue();
        assertThat(action.group(1)).doesNotContainIgnoringCase("secret");

        String launcher = launcherOf(script);
        assertThat(launcher).doesNotContain("$Secret ").doesNotContain("Get-Content")
                .contains("-secret ('@' + (Join-Path $PSScriptRoot 'secret'))");
        assertThat(launcher.lines().filter(l -> l.contains("-secret"))).hasSize(1);
    }

    @Test
    void theInitScriptRunsBeforeJavaIsLookedUpAndTheAgentStarts() {
        String extra = "choco install -y temurin21\n[Environment]::SetEnvironmentVariable('TOOLS', 'C:\\tools',"
                + " 'Machine')";
        String script = render("  " + extra + "  \n");

        int at = script.indexOf("& {\n" + extra + "\n}\n");
        assertThat(at).isPositive();
        assertThat(at).isGreaterThan(script.indexOf("dynamic/instance-identity/rsa2048"))
                .isLessThan(script.indexOf("Update-SessionEnvironment\n$Java = Find-Java"))
                .isLessThan(script.indexOf("-OutFile $AgentJar"))
                .isLessThan(script.indexOf("aws-spot-agent/secret"))
                .isLessThan(script.indexOf("Register-ScheduledTask"));
        assertThat(render("")).doesNotContain("& {\n");
        assertThat(render(null)).doesNotContain("& {\n");
    }

    @Test
    void aBlankControllerUrlIsRefusedAsForLinuxAgents() {
        Throwable linux = org.assertj.core.api.Assertions.catchThrowable(
                () -> AgentUserData.render(" ", "c", "/a", "", ""));
        Throwable windows = org.assertj.core.api.Assertions.catchThrowable(
                () -> WindowsAgentUserData.render(" ", "c", "C:\\a", "", ""));

        assertThat(windows).hasMessage(linux.getMessage()).hasMessageContaining("Jenkins URL");
        assertThatThrownBy(() -> WindowsAgentUserData.render(null, "c", "C:\\a", "", ""))
                .hasMessage(linux.getMessage());
    }

    @Test
    void whatWouldBreakTheUserDataIsRefusedWithAReason() {
        assertThatThrownBy(() -> render("Write-Output done\n</PowerShell>\n<powershell>evil"))
                .hasMessageContaining("'</powershell>'");
        assertThatThrownBy(() -> render("Write-Output hi\n<Persist>true</Persist>"))
                .hasMessageContaining("'<persist>'").hasMessageContaining("secret once");
        assertThatThrownBy(() -> WindowsAgentUserData.render(URL, "c", "C:\\a", "\"-Dx=a b", ""))
                .hasMessageContaining("unclosed double quote");
        String large = "Write-Output '" + "x".repeat(16 * 1024) + "'";
        assertThatThrownBy(() -> render(large)).hasMessageContaining("EC2 accepts at most 16384")
                .hasMessageContaining("cloud 'win-spot'");
        // Room for a real init script.
        assertThat(render("").getBytes(StandardCharsets.UTF_8).length).isLessThan(10 * 1024);
    }

    @Test
    void settingsPowerShellWouldReadChangedAreRefusedNamingTheField() {
        assertThatThrownBy(() -> WindowsAgentUserData.render("https://jenkins.ex\u00e4mple.com/", "c", "C:\\a", "", ""))
                .hasMessageContaining("Jenkins URL").hasMessageContaining("(U+00E4)")
                .hasMessageContaining("not ASCII");
        assertThatThrownBy(() -> WindowsAgentUserData.render(URL, "c", "C:\\Jenkins\\Agent\u2013Work", "", ""))
                .hasMessageContaining("remote root directory").hasMessageContaining("U+2013");
        assertThatThrownBy(() -> WindowsAgentUserData.render(URL, "c", "C:\\a", "-Duser.name=Jos\u00e9", ""))
                .hasMessageContaining("JVM options").hasMessageContaining("U+00E9");
        assertThatThrownBy(() -> WindowsAgentUserData.render(URL, "c", "C:\\a",
                "\"-Djava.io.tmpdir=C:\\tmp dir\\\"", "")).hasMessageContaining(
                        "'-Djava.io.tmpdir=C:\\tmp dir\\' contains a space and ends with a backslash");
        assertThat(WindowsAgentUserData.render(URL, "c", "C:\\a", "-Djava.io.tmpdir=C:\\tmp\\ \"-Dx=a b\"", ""))
                .as("a trailing backslash without a space, or a space without one, is passed as it is")
                .contains("-Djava.io.tmpdir=C:\\tmp\\").contains("-Dx=a b");
    }

    @Test
    void jvmOptionsBecomeSeparateArguments() {
        assertThat(WindowsAgentUserData.jvmArguments(null)).isEmpty();
        assertThat(WindowsAgentUserData.jvmArguments("  ")).isEmpty();
        assertThat(WindowsAgentUserData.jvmArguments("-Xmx2g  -Dfile.encoding=UTF-8\t\"-Dtmp=C:\\a b\" \"\""))
                .containsExactly("-Xmx2g", "-Dfile.encoding=UTF-8", "-Dtmp=C:\\a b");
        String defaults = WindowsAgentUserData.render(URL, "c", "", null, "");
        assertThat(launcherOf(defaults)).contains("$JvmOptions = @()\n");
        assertThat(literalAfter(defaults, "$AgentDir = ")).isEqualTo("C:\\jenkins\\agent");
    }

    @Test
    void bothScriptsAreWellFormedPowerShell() {
        String script = render("if ($true) { Write-Output \"it's ${env:TEMP}\" }");

        assertBalanced(script.substring("<powershell>\n".length(), script.length() - "</powershell>\n".length()));
        assertBalanced(launcherOf(script));
    }

    @Test
    void theWindowsExampleOfTheDocsRendersAsDocumented() throws Exception {
        String doc = Files.readString(Path.of("../docs/spot-agents.md"));
        Matcher block = Pattern.compile("```yaml\n(jenkins:\n(?:(?!```).)*platform: windows.*?)```", Pattern.DOTALL)
                .matcher(doc);
        assertThat(block.find()).as("docs/spot-agents.md has a JCasC example with a Windows template").isTrue();
        JsonNode cloud = new YAMLMapper().readTree(block.group(1)).path("jenkins").path("clouds").path(0)
                .path("awsSpot");
        JsonNode windows = null;
        for (JsonNode t : cloud.path("templates")) {
            if ("windows".equals(t.path("platform").asText())) {
                windows = t;
            }
        }
        assertThat(windows).isNotNull();
        assertThat(cloud.path("connectTimeoutMinutes").asInt()).isGreaterThanOrEqualTo(15);
        // Only the field names of the awsSpot cloud and of its templates.
        assertThat(fieldNames(cloud)).isSubsetOf("name", "region", "credentialsId", "roleArn", "externalId",
                "subnetIds", "maxAgents", "onDemandBase", "allocationStrategy", "maxSpotPrice", "onDemandFallback",
                "connectTimeoutMinutes", "interruptionQueueUrl", "tags", "connection", "sshCredentialsId", "sshPort",
                "identityCertificates", "templates");
        for (JsonNode t : cloud.path("templates")) {
            assertThat(fieldNames(t)).isSubsetOf("name", "labelString", "platform", "launchTemplate",
                    "launchTemplateVersion", "amiId", "instanceProfile", "securityGroupIds", "keyName", "initScript",
                    "instanceTypes", "minVcpu", "maxVcpu", "minMemoryMiB", "maxMemoryMiB", "numExecutors", "remoteFs",
                    "jvmOptions", "minAgents", "maxAgents", "idleMinutes", "maxTotalUses", "nodeProperties");
        }

        String script = WindowsAgentUserData.render(URL, cloud.path("name").asText(), windows.path("remoteFs").asText(),
                windows.path("jvmOptions").asText(), windows.path("initScript").asText());

        assertThat(literalAfter(script, "$AgentDir = ")).isEqualTo("C:\\jenkins\\agent");
        assertThat(literalsIn(launcherOf(script), "$JvmOptions = @(")).containsExactly("-Xmx1g",
                "-Djava.io.tmpdir=C:\\jenkins\\tmp");
        assertThat(script).contains("& {\n" + windows.path("initScript").asText().strip() + "\n}\n");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Brackets balance outside strings and comments, and every string ends: a slip in the Java would show. */
    private static void assertBalanced(String ps) {
        Deque<Character> open = new ArrayDeque<>();
        int i = 0;
        while (i < ps.length()) {
            char c = ps.charAt(i);
            if (WindowsAgentUserData.isSingleQuote(c)) {
                int[] end = new int[1];
                readLiteral(ps, i, end);
                i = end[0];
                continue;
            }
            if (c == '"') {
                int j = i + 1;
                while (ps.charAt(j) != '"' || ps.charAt(j - 1) == '`') {
                    j++;
                }
                i = j + 1;
                continue;
            }
            if (c == '#') {
                i = ps.indexOf('\n', i);
                continue;
            }
            if ("({[".indexOf(c) >= 0) {
                open.push(c);
            } else if (")}]".indexOf(c) >= 0) {
                assertThat(open).as("a closing %s at %d", c, i).isNotEmpty();
                assertThat("({[".indexOf(open.pop())).as("bracket at %d", i).isEqualTo(")}]".indexOf(c));
            }
            i++;
        }
        assertThat(open).as("unclosed brackets").isEmpty();
    }

    private static void assertInOrder(String text, String... parts) {
        int from = 0;
        for (String part : parts) {
            int at = text.indexOf(part, from);
            assertThat(at).as("'%s' after position %d", part, from).isGreaterThanOrEqualTo(0);
            from = at + part.length();
        }
    }

    /** The start script, as the user data writes it to disk. */
    private static String launcherOf(String script) {
        return literalAfter(script, "[IO.File]::WriteAllText($StartScript, ");
    }

    private static String literalAfter(String text, String prefix) {
        int at = text.indexOf(prefix);
        assertThat(at).as(prefix).isGreaterThanOrEqualTo(0);
        return readLiteral(text, at + prefix.length(), new int[1]);
    }

    /** The single-quoted literals of a PowerShell array {@code @('a', 'b')}. */
    private static List<String> literalsIn(String text, String prefix) {
        int at = text.indexOf(prefix);
        assertThat(at).as(prefix).isGreaterThanOrEqualTo(0);
        int pos = at + prefix.length();
        List<String> out = new ArrayList<>();
        int[] end = new int[1];
        while (text.charAt(pos) != ')') {
            out.add(readLiteral(text, pos, end));
            pos = end[0];
            if (text.startsWith(", ", pos)) {
                pos += 2;
            }
        }
        return out;
    }

    /** PowerShell's tokenizer for '...': a quote followed by a quote is one literal quote, else the end. */
    private static String readLiteral(String text, int start, int[] end) {
        assertThat(WindowsAgentUserData.isSingleQuote(text.charAt(start))).as("a literal at %d", start).isTrue();
        StringBuilder out = new StringBuilder();
        int i = start + 1;
        while (true) {
            char c = text.charAt(i);
            if (WindowsAgentUserData.isSingleQuote(c)) {
                if (i + 1 < text.length() && WindowsAgentUserData.isSingleQuote(text.charAt(i + 1))) {
                    out.append(text.charAt(i + 1));
                    i += 2;
                    continue;
                }
                end[0] = i + 1;
                return out.toString();
            }
            out.append(c);
            i++;
        }
    }
}
