package io.jenkins.plugins.awsdelivery.testing;

import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.FakeResponse;
import io.jenkins.plugins.awsdelivery.testing.FakeAwsServer.RecordedRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted Amazon EC2 on the EC2 Query protocol, for what moto does not play: Spot pools that run out of
 * capacity, per-pool errors in CreateFleet's answer, account limits and (through {@link FakeAwsServer#failNext})
 * throttling. It keeps instances with their tags so DescribeInstances by tag and TerminateInstances behave.
 *
 * <p>CreateFleet (instant) follows the API reference: it launches what it can from the overrides, answers every
 * pool it could not use with an {@code errorSet} item, and replays the first answer for a repeated
 * {@code ClientToken}.
 */
public final class FakeEc2 implements AutoCloseable {

    public static final String REGION = "eu-west-1";
    /** The account that owns every instance of the fake. */
    public static final String ACCOUNT = "123456789012";
    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final Pattern OVERRIDE = Pattern.compile(
            "LaunchTemplateConfigs\\.1\\.Overrides\\.(\\d+)\\.(InstanceType|SubnetId|WeightedCapacity)");
    private static final Pattern TAG = Pattern.compile("TagSpecification\\.1\\.Tag\\.(\\d+)\\.(Key|Value)");
    private static final Pattern FILTER = Pattern.compile("Filter\\.(\\d+)\\.(Name|Value\\.\\d+)");

    /** One instance the fake keeps. */
    public record FakeInstance(String id, String type, String subnet, String lifecycle, Instant launchTime,
                               Map<String, String> tags, String[] state) {
        public String stateName() {
            return state[0];
        }
    }

    private record PoolSlot(String type, String subnet, int weight) {
        String pool() {
            return type + "@" + subnet;
        }
    }

    private final FakeAwsServer server = new FakeAwsServer(FakeAwsServer.Protocol.EC2_QUERY, "ec2");
    private final Supplier<Instant> clock;
    private final Map<String, Integer> spotCapacity = new HashMap<>();
    private final Map<String, String> spotErrorCodes = new HashMap<>();
    private final Map<String, Integer> onDemandCapacity = new HashMap<>();
    private int defaultCapacity = 1000;
    private String limitCode;
    private int limitInstances = Integer.MAX_VALUE;
    private final Map<String, FakeInstance> instances = new LinkedHashMap<>();
    private final Map<String, String> answersByToken = new HashMap<>();
    private final Map<String, String> spotPrices = new TreeMap<>();
    private int nextId = 1;
    /** What spot-check describes: subnet ID to {zone, VPC}, template ID to {name, image}, image ID to arch. */
    private final Map<String, String[]> subnets = new LinkedHashMap<>();
    private final Map<String, String[]> launchTemplates = new LinkedHashMap<>();
    private final Map<String, String> images = new LinkedHashMap<>();
    private final Set<String> windowsImages = new LinkedHashSet<>();
    /** The instance types the fake knows: architecture, vCPUs, MiB. */
    private static final Map<String, String[]> TYPES = Map.of(
            "m5.large", new String[] {"x86_64", "2", "8192"}, "c5.large", new String[] {"x86_64", "2", "4096"},
            "m5a.large", new String[] {"x86_64", "2", "8192"}, "m6i.large", new String[] {"x86_64", "2", "8192"},
            "c6i.large", new String[] {"x86_64", "2", "4096"}, "m5.2xlarge", new String[] {"x86_64", "8", "32768"},
            "m6g.large", new String[] {"arm64", "2", "8192"});

    public FakeEc2(Supplier<Instant> clock) {
        this.clock = clock;
        server.expectRegion(REGION);
        server.on("CreateFleet", this::createFleet);
        server.on("DescribeInstances", this::describeInstances);
        server.on("TerminateInstances", this::terminateInstances);
        server.on("CreateTags", this::createTags);
        server.on("DescribeSpotPriceHistory", this::describeSpotPriceHistory);
        server.on("DescribeSubnets", this::describeSubnets);
        server.on("DescribeInstanceTypes", this::describeInstanceTypes);
        server.on("DescribeInstanceTypeOfferings", this::describeInstanceTypeOfferings);
        server.on("DescribeLaunchTemplates", this::describeLaunchTemplates);
        server.on("DescribeLaunchTemplateVersions", this::describeLaunchTemplateVersions);
        server.on("DescribeImages", this::describeImages);
    }

    /** A subnet in {@code zone} of vpc-0fa4e0000000000001. */
    public synchronized FakeEc2 subnet(String id, String zone) {
        subnets.put(id, new String[] {zone, "vpc-0fa4e0000000000001"});
        return this;
    }

    /** A launch template with one version (1, default and latest) that launches {@code imageId}. */
    public synchronized FakeEc2 launchTemplate(String id, String name, String imageId) {
        launchTemplates.put(id, new String[] {name, imageId});
        return this;
    }

    public synchronized FakeEc2 image(String id, String architecture) {
        images.put(id, architecture);
        return this;
    }

    /** A Windows image: DescribeImages answers with {@code platform} windows (Linux images have none). */
    public synchronized FakeEc2 windowsImage(String id, String architecture) {
        windowsImages.add(id);
        return image(id, architecture);
    }

    private static List<String> indexed(RecordedRequest r, String prefix) {
        return r.form().entrySet().stream().filter(e -> e.getKey().matches(Pattern.quote(prefix) + "\\.\\d+"))
                .map(Map.Entry::getValue).toList();
    }

    /** The values of the request's filter {@code name}. */
    private static List<String> filter(RecordedRequest r, String name) {
        List<String> values = new ArrayList<>();
        r.form().forEach((k, v) -> {
            Matcher m = FILTER.matcher(k);
            if (m.matches() && m.group(2).equals("Name") && v.equals(name)) {
                r.form().forEach((k2, v2) -> {
                    if (k2.startsWith("Filter." + m.group(1) + ".Value.")) {
                        values.add(v2);
                    }
                });
            }
        });
        return values;
    }

    private static FakeResponse answer(String operation, String body) {
        return FakeResponse.xml("<" + operation + "Response xmlns=\"" + NS + "\"><requestId>r-5</requestId>" + body
                + "</" + operation + "Response>");
    }

    private synchronized FakeResponse describeSubnets(RecordedRequest r) {
        StringBuilder items = new StringBuilder();
        for (String id : filter(r, "subnet-id")) {
            String[] s = subnets.get(id);
            if (s != null) {
                items.append("<item><subnetId>").append(id).append("</subnetId><availabilityZone>").append(s[0])
                        .append("</availabilityZone><vpcId>").append(s[1]).append("</vpcId></item>");
            }
        }
        return answer("DescribeSubnets", "<subnetSet>" + items + "</subnetSet>");
    }

    private synchronized FakeResponse describeInstanceTypes(RecordedRequest r) {
        List<String> asked = indexed(r, "InstanceType");
        List<String> unknown = asked.stream().filter(t -> !TYPES.containsKey(t)).toList();
        if (!unknown.isEmpty()) {
            throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400, "InvalidInstanceType",
                    "The following supplied instance types do not exist: " + unknown));
        }
        StringBuilder items = new StringBuilder();
        for (String t : asked) {
            String[] d = TYPES.get(t);
            items.append("<item><instanceType>").append(t).append("</instanceType><processorInfo>")
                    .append("<supportedArchitectures><item>").append(d[0]).append("</item></supportedArchitectures>")
                    .append("</processorInfo><vCpuInfo><defaultVCpus>").append(d[1]).append("</defaultVCpus>")
                    .append("</vCpuInfo><memoryInfo><sizeInMiB>").append(d[2]).append("</sizeInMiB></memoryInfo>")
                    .append("</item>");
        }
        return answer("DescribeInstanceTypes", "<instanceTypeSet>" + items + "</instanceTypeSet>");
    }

    /** Every known type is offered in every zone asked for. */
    private synchronized FakeResponse describeInstanceTypeOfferings(RecordedRequest r) {
        StringBuilder items = new StringBuilder();
        for (String t : filter(r, "instance-type")) {
            for (String zone : filter(r, "location")) {
                if (TYPES.containsKey(t)) {
                    items.append("<item><instanceType>").append(t).append("</instanceType><locationType>")
                            .append("availability-zone</locationType><location>").append(zone)
                            .append("</location></item>");
                }
            }
        }
        return answer("DescribeInstanceTypeOfferings", "<instanceTypeOfferingSet>" + items
                + "</instanceTypeOfferingSet>");
    }

    private synchronized FakeResponse describeLaunchTemplates(RecordedRequest r) {
        StringBuilder items = new StringBuilder();
        List<String> ids = indexed(r, "LaunchTemplateId");
        List<String> names = indexed(r, "LaunchTemplateName");
        launchTemplates.forEach((id, t) -> {
            if (ids.contains(id) || names.contains(t[0])) {
                items.append("<item><launchTemplateId>").append(id).append("</launchTemplateId><launchTemplateName>")
                        .append(t[0]).append("</launchTemplateName><defaultVersionNumber>1</defaultVersionNumber>")
                        .append("<latestVersionNumber>1</latestVersionNumber></item>");
            }
        });
        if (items.isEmpty()) {
            throw new FakeAwsServer.ErrorReply(ids.isEmpty()
                    ? new FakeAwsServer.FakeError(400, "InvalidLaunchTemplateName.NotFoundException",
                            "At least one of the launch templates specified in the request does not exist.")
                    : new FakeAwsServer.FakeError(400, "InvalidLaunchTemplateId.NotFound",
                            "The specified launch template, with template ID " + ids.get(0) + ", does not exist."));
        }
        return answer("DescribeLaunchTemplates", "<launchTemplates>" + items + "</launchTemplates>");
    }

    private synchronized FakeResponse describeLaunchTemplateVersions(RecordedRequest r) {
        String id = r.form().get("LaunchTemplateId");
        String[] t = launchTemplates.get(id);
        List<String> versions = indexed(r, "LaunchTemplateVersion");
        if (t == null) {
            throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400, "InvalidLaunchTemplateId.NotFound",
                    "The specified launch template, with template ID " + id + ", does not exist."));
        }
        if (versions.stream().anyMatch(v -> !List.of("1", "$Default", "$Latest").contains(v))) {
            throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400,
                    "InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version " + versions
                            + " for launch template ID " + id + "."));
        }
        return answer("DescribeLaunchTemplateVersions", "<launchTemplateVersionSet><item><launchTemplateId>" + id
                + "</launchTemplateId><versionNumber>1</versionNumber><defaultVersion>true</defaultVersion>"
                + "<launchTemplateData><imageId>" + t[1] + "</imageId></launchTemplateData></item>"
                + "</launchTemplateVersionSet>");
    }

    private synchronized FakeResponse describeImages(RecordedRequest r) {
        StringBuilder items = new StringBuilder();
        for (String id : indexed(r, "ImageId")) {
            String arch = images.get(id);
            if (arch == null) {
                throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400, "InvalidAMIID.NotFound",
                        "The image id '[" + id + "]' does not exist"));
            }
            items.append("<item><imageId>").append(id).append("</imageId><imageState>available</imageState>")
                    .append("<architecture>").append(arch).append("</architecture><name>agent-image</name>")
                    .append(windowsImages.contains(id) ? "<platform>windows</platform>" : "").append("</item>");
        }
        return answer("DescribeImages", "<imagesSet>" + items + "</imagesSet>");
    }

    public FakeAwsServer server() {
        return server;
    }

    /** Spot capacity left in one pool ({@code type@subnet}); pools not named have plenty. */
    public synchronized FakeEc2 spotCapacity(String type, String subnet, int instances) {
        spotCapacity.put(type + "@" + subnet, instances);
        spotErrorCodes.remove(type + "@" + subnet);
        return this;
    }

    /** A Spot pool that launches nothing and answers with {@code code} (such as SpotMaxPriceTooLow). */
    public synchronized FakeEc2 spotError(String type, String subnet, String code) {
        spotCapacity(type, subnet, 0);
        spotErrorCodes.put(type + "@" + subnet, code);
        return this;
    }

    public synchronized FakeEc2 onDemandCapacity(String type, String subnet, int instances) {
        onDemandCapacity.put(type + "@" + subnet, instances);
        return this;
    }

    /** Every pool not named has this much capacity, for each market. */
    public synchronized FakeEc2 defaultCapacity(int instances) {
        this.defaultCapacity = instances;
        return this;
    }

    /** An account limit: beyond {@code runningInstances} running instances, launches fail with {@code code}. */
    public synchronized FakeEc2 limit(String code, int runningInstances) {
        this.limitCode = code;
        this.limitInstances = runningInstances;
        return this;
    }

    public synchronized FakeEc2 spotPrice(String type, String az, String price) {
        spotPrices.put(type + "|" + az, price);
        return this;
    }

    /** An instance launched by someone (an earlier controller run), with tags. */
    public synchronized String addInstance(String type, String subnet, String lifecycle, Map<String, String> tags,
                                           Instant launchTime) {
        String id = newId();
        instances.put(id, new FakeInstance(id, type, subnet, lifecycle, launchTime, new LinkedHashMap<>(tags),
                new String[] {"running"}));
        return id;
    }

    /** EC2 takes an instance away (a Spot interruption). */
    public synchronized void interrupt(String instanceId) {
        instances.get(instanceId).state()[0] = "terminated";
    }

    public synchronized List<FakeInstance> running() {
        return instances.values().stream().filter(i -> !i.stateName().equals("terminated")).toList();
    }

    public synchronized FakeInstance instance(String id) {
        return instances.get(id);
    }

    /** The private address the fake gives an instance. */
    public static String privateIp(String instanceId) {
        int n = Integer.parseInt(instanceId.substring(instanceId.length() - 4), 16);
        return "10.8." + (n / 250) + "." + (n % 250 + 4);
    }

    private String newId() {
        return String.format("i-%017x", nextId++);
    }

    private synchronized FakeResponse createFleet(RecordedRequest r) {
        Map<String, String> form = r.form();
        if ("true".equals(form.get("DryRun"))) {
            throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(412, "DryRunOperation",
                    "Request would have succeeded, but DryRun flag is set."));
        }
        String token = form.get("ClientToken");
        if (token != null && answersByToken.containsKey(token)) {
            return FakeResponse.xml(answersByToken.get(token));
        }
        Map<Integer, String[]> raw = new TreeMap<>();
        Map<String, String> tags = new LinkedHashMap<>();
        Map<Integer, String[]> rawTags = new TreeMap<>();
        form.forEach((k, v) -> {
            Matcher m = OVERRIDE.matcher(k);
            if (m.matches()) {
                String[] o = raw.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[3]);
                o[switch (m.group(2)) {
                    case "InstanceType" -> 0;
                    case "SubnetId" -> 1;
                    default -> 2;
                }] = v;
            }
            Matcher t = TAG.matcher(k);
            if (t.matches()) {
                rawTags.computeIfAbsent(Integer.parseInt(t.group(1)), i -> new String[2])[
                        t.group(2).equals("Key") ? 0 : 1] = v;
            }
        });
        rawTags.values().forEach(t -> tags.put(t[0], t[1]));
        List<PoolSlot> overrides = raw.values().stream().map(o -> new PoolSlot(o[0], o[1],
                o[2] == null ? 1 : (int) Double.parseDouble(o[2]))).toList();
        int spot = Integer.parseInt(form.getOrDefault("TargetCapacitySpecification.SpotTargetCapacity", "0"));
        int onDemand = Integer.parseInt(form.getOrDefault("TargetCapacitySpecification.OnDemandTargetCapacity", "0"));
        int total = Integer.parseInt(form.getOrDefault("TargetCapacitySpecification.TotalTargetCapacity", "0"));
        String defaultType = form.getOrDefault("TargetCapacitySpecification.DefaultTargetCapacityType", "on-demand");
        if (spot + onDemand < total) {
            if (defaultType.equals("spot")) {
                spot = total - onDemand;
            } else {
                onDemand = total - spot;
            }
        }
        StringBuilder items = new StringBuilder();
        StringBuilder errors = new StringBuilder();
        Set<String> failedPools = new LinkedHashSet<>();
        for (String market : List.of("on-demand", "spot")) {
            int wanted = market.equals("spot") ? spot : onDemand;
            Map<String, Integer> capacity = market.equals("spot") ? spotCapacity : onDemandCapacity;
            while (wanted > 0) {
                if (limitCode != null && running().size() >= limitInstances) {
                    PoolSlot o = overrides.get(0);
                    errors.append(error(o, market, limitCode, "You have requested more instances than your "
                            + "current limit allows for the specified instance type."));
                    break;
                }
                // capacity-optimized: the pool with the most capacity left.
                PoolSlot best = null;
                int bestLeft = 0;
                for (PoolSlot o : overrides) {
                    int left = capacity.getOrDefault(o.pool(), defaultCapacity);
                    if (left <= 0) {
                        if (failedPools.add(market + o.pool())) {
                            String code = market.equals("spot") ? spotErrorCodes.get(o.pool()) : null;
                            errors.append(code != null ? error(o, market, code, "EC2 refused this pool.")
                                    : error(o, market, "InsufficientInstanceCapacity", "There is no Spot "
                                    + "capacity available that matches your request."));
                        }
                    } else if (left > bestLeft) {
                        best = o;
                        bestLeft = left;
                    }
                }
                if (best == null) {
                    break;
                }
                capacity.put(best.pool(), bestLeft - 1);
                String id = newId();
                instances.put(id, new FakeInstance(id, best.type(), best.subnet(), market, clock.get(),
                        new LinkedHashMap<>(tags), new String[] {"pending"}));
                items.append("<item><launchTemplateAndOverrides><overrides><instanceType>").append(best.type())
                        .append("</instanceType><subnetId>").append(best.subnet()).append("</subnetId>")
                        .append("</overrides></launchTemplateAndOverrides><lifecycle>").append(market)
                        .append("</lifecycle><instanceIds><item>").append(id).append("</item></instanceIds>")
                        .append("<instanceType>").append(best.type()).append("</instanceType></item>");
                wanted -= best.weight();
            }
        }
        String body = "<CreateFleetResponse xmlns=\"" + NS + "\"><requestId>r-1</requestId><fleetId>fleet-"
                + nextId + "</fleetId><errorSet>" + errors + "</errorSet><fleetInstanceSet>" + items
                + "</fleetInstanceSet></CreateFleetResponse>";
        if (token != null) {
            answersByToken.put(token, body);
        }
        return FakeResponse.xml(body);
    }

    private static String error(PoolSlot o, String market, String code, String message) {
        return "<item><launchTemplateAndOverrides><overrides><instanceType>" + o.type() + "</instanceType>"
                + "<subnetId>" + o.subnet() + "</subnetId></overrides></launchTemplateAndOverrides><lifecycle>"
                + market + "</lifecycle><errorCode>" + code + "</errorCode><errorMessage>"
                + FakeAwsServer.xml(message) + "</errorMessage></item>";
    }

    private synchronized FakeResponse describeInstances(RecordedRequest r) {
        Map<Integer, String> names = new TreeMap<>();
        Map<Integer, List<String>> values = new TreeMap<>();
        r.form().forEach((k, v) -> {
            Matcher m = FILTER.matcher(k);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                if (m.group(2).equals("Name")) {
                    names.put(n, v);
                } else {
                    values.computeIfAbsent(n, x -> new ArrayList<>()).add(v);
                }
            }
        });
        java.util.Set<String> ids = new java.util.HashSet<>();
        r.form().forEach((k, v) -> {
            if (k.startsWith("InstanceId.")) {
                ids.add(v);
            }
        });
        for (String id : ids) {
            if (!instances.containsKey(id)) {
                throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400, "InvalidInstanceID.NotFound",
                        "The instance ID '" + id + "' does not exist"));
            }
        }
        StringBuilder items = new StringBuilder();
        for (FakeInstance i : instances.values()) {
            boolean match = ids.isEmpty() || ids.contains(i.id());
            for (Map.Entry<Integer, String> f : names.entrySet()) {
                List<String> allowed = values.getOrDefault(f.getKey(), List.of());
                String name = f.getValue();
                String actual = name.equals("instance-state-name") ? i.stateName()
                        : name.startsWith("tag:") ? i.tags().get(name.substring(4)) : null;
                match &= actual != null && allowed.contains(actual);
            }
            if (!match) {
                continue;
            }
            StringBuilder tagXml = new StringBuilder();
            i.tags().forEach((k, v) -> tagXml.append("<item><key>").append(FakeAwsServer.xml(k)).append("</key><value>")
                    .append(FakeAwsServer.xml(v)).append("</value></item>"));
            items.append("<item><reservationId>r-").append(i.id()).append("</reservationId><ownerId>").append(ACCOUNT)
                    .append("</ownerId><instancesSet><item>")
                    .append("<instanceId>").append(i.id()).append("</instanceId><instanceType>").append(i.type())
                    .append("</instanceType><subnetId>").append(i.subnet()).append("</subnetId>")
                    .append("<privateIpAddress>").append(privateIp(i.id())).append("</privateIpAddress>")
                    .append(i.lifecycle().equals("spot") ? "<instanceLifecycle>spot</instanceLifecycle>" : "")
                    .append("<launchTime>").append(i.launchTime()).append("</launchTime><instanceState><code>16")
                    .append("</code><name>").append(i.stateName()).append("</name></instanceState><tagSet>")
                    .append(tagXml).append("</tagSet></item></instancesSet></item>");
        }
        return FakeResponse.xml("<DescribeInstancesResponse xmlns=\"" + NS + "\"><requestId>r-2</requestId>"
                + "<reservationSet>" + items + "</reservationSet></DescribeInstancesResponse>");
    }

    private synchronized FakeResponse createTags(RecordedRequest r) {
        Map<String, String> tags = new HashMap<>();
        Map<String, String> f = r.form();
        for (int n = 1; f.containsKey("Tag." + n + ".Key"); n++) {
            tags.put(f.get("Tag." + n + ".Key"), f.getOrDefault("Tag." + n + ".Value", ""));
        }
        f.forEach((k, v) -> {
            if (k.startsWith("ResourceId.")) {
                FakeInstance i = instances.get(v);
                if (i == null) {
                    throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400,
                            "InvalidInstanceID.NotFound", "The instance ID '" + v + "' does not exist"));
                }
                i.tags().putAll(tags);
            }
        });
        return FakeResponse.xml("<CreateTagsResponse xmlns=\"" + NS + "\"><requestId>r-5</requestId><return>true"
                + "</return></CreateTagsResponse>");
    }

    private synchronized FakeResponse terminateInstances(RecordedRequest r) {
        StringBuilder items = new StringBuilder();
        r.form().forEach((k, v) -> {
            if (k.startsWith("InstanceId.")) {
                FakeInstance i = instances.get(v);
                if (i == null) {
                    throw new FakeAwsServer.ErrorReply(new FakeAwsServer.FakeError(400,
                            "InvalidInstanceID.NotFound", "The instance ID '" + v + "' does not exist"));
                }
                i.state()[0] = "terminated";
                items.append("<item><instanceId>").append(v).append("</instanceId><currentState><code>32</code>")
                        .append("<name>shutting-down</name></currentState></item>");
            }
        });
        return FakeResponse.xml("<TerminateInstancesResponse xmlns=\"" + NS + "\"><requestId>r-3</requestId>"
                + "<instancesSet>" + items + "</instancesSet></TerminateInstancesResponse>");
    }

    private synchronized FakeResponse describeSpotPriceHistory(RecordedRequest r) {
        Set<String> types = new LinkedHashSet<>();
        r.form().forEach((k, v) -> {
            if (k.startsWith("InstanceType.")) {
                types.add(v);
            }
        });
        StringBuilder items = new StringBuilder();
        spotPrices.forEach((key, price) -> {
            String[] p = key.split("\\|");
            if (types.isEmpty() || types.contains(p[0])) {
                items.append("<item><instanceType>").append(p[0]).append("</instanceType><productDescription>")
                        .append("Linux/UNIX</productDescription><spotPrice>").append(price).append("</spotPrice>")
                        .append("<timestamp>").append(clock.get()).append("</timestamp><availabilityZone>")
                        .append(p[1]).append("</availabilityZone></item>");
            }
        });
        return FakeResponse.xml("<DescribeSpotPriceHistoryResponse xmlns=\"" + NS + "\"><requestId>r-4</requestId>"
                + "<spotPriceHistorySet>" + items + "</spotPriceHistorySet><nextToken></nextToken>"
                + "</DescribeSpotPriceHistoryResponse>");
    }

    /** Marks pending instances running, as EC2 does a few seconds after launch. */
    public synchronized void boot() {
        instances.values().forEach(i -> {
            if (i.stateName().equals("pending")) {
                i.state()[0] = "running";
            }
        });
    }

    @Override
    public void close() {
        server.close();
    }
}
