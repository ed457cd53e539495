package io.jenkins.plugins.awsdelivery.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.awsdelivery.core.aws.AwsSettings;
import io.jenkins.plugins.awsdelivery.core.aws.CredentialsSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted AWS service on 127.0.0.1 for what moto does not model. It speaks the service's wire protocol so that
 * the real SDK client is exercised: it routes requests to operations, records them, checks that they are SigV4
 * signed for the expected service (and region, when set), and answers with handlers or scripted failures in the
 * protocol's own error format.
 *
 * <p>Stage fakes (ECS, Security Hub, Health, EC2) wrap one of these and register their operations with
 * {@link #on(String, Function)}.
 */
public final class FakeAwsServer implements AutoCloseable {

    public static final String ACCESS_KEY = "AKIDFAKEFAKEFAKEFAKE";
    public static final String SECRET_KEY = "fake-secret-key-never-printed";
    public static final ObjectMapper JSON = new ObjectMapper();

    /** The AWS wire protocols this fake speaks. */
    public enum Protocol {
        /** JSON 1.1 with X-Amz-Target (ECS, Health). */
        JSON_1_1,
        /** REST-JSON, routed by method and path (Security Hub). */
        REST_JSON,
        /** The EC2 Query protocol: form-encoded Action, XML responses with an Errors list. */
        EC2_QUERY,
        /** The AWS Query protocol: form-encoded Action, XML responses with ErrorResponse (STS, SQS's old form). */
        AWS_QUERY
    }

    /** A request as received. */
    public record RecordedRequest(String operation, String method, String path, Map<String, List<String>> headers,
                                  String body, Map<String, String> form, String signedService, String signedRegion,
                                  String query) {

        /** A query-string parameter (REST protocols' GET requests), or null when absent. */
        public String queryParam(String name) {
            for (String pair : (query == null ? "" : query).split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (k.equals(name)) {
                    return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        public JsonNode json() {
            try {
                return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("request body is not JSON: " + body, e);
            }
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer. */
    public record FakeResponse(int status, String contentType, String body, Map<String, String> headers) {

        public static FakeResponse json(JsonNode node) {
            return new FakeResponse(200, "application/json", node.toString(), Map.of());
        }

        public static FakeResponse json(String body) {
            return new FakeResponse(200, "application/json", body, Map.of());
        }

        public static FakeResponse xml(String body) {
            return new FakeResponse(200, "text/xml", body, Map.of());
        }

        /** Any status and body, for malformed answers. */
        public static FakeResponse raw(int status, String contentType, String body) {
            return new FakeResponse(status, contentType, body, Map.of());
        }
    }

    /** A service error: HTTP status, AWS error code and message. */
    public record FakeError(int status, String code, String message) {
        public static FakeError throttling(String code) {
            return new FakeError(400, code, "Rate exceeded");
        }

        public static FakeError accessDenied(String action) {
            return new FakeError(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not "
                    + "authorized to perform: " + action + " on resource: *");
        }

        public static FakeError internal() {
            return new FakeError(500, "InternalFailure", "We encountered an internal error. Please try again.");
        }
    }

    /** Raised by handlers to answer with a service error. */
    public static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient FakeError error;

        public ErrorReply(FakeError error) {
            super(error.code() + ": " + error.message());
            this.error = error;
        }

        public FakeError error() {
            return error;
        }
    }

    private record Route(String method, Pattern path, String operation) {}

    private static final Pattern CREDENTIAL = Pattern.compile(
            "Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request");

    private final Protocol protocol;
    private final String signingService;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final Map<String, Function<RecordedRequest, FakeResponse>> handlers = new ConcurrentHashMap<>();
    private final Map<String, Deque<FakeError>> scriptedFailures = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private volatile String expectedRegion;
    private volatile boolean down;
    private volatile boolean hanging;
    private volatile boolean dropping;

    /**
     * @param signingService the SigV4 service name requests must be signed for ({@code ecs}, {@code securityhub},
     *     {@code health}, {@code ec2})
     */
    public FakeAwsServer(Protocol protocol, String signingService) {
        this.protocol = protocol;
        this.signingService = signingService;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Settings with this fake's keys and endpoint. */
    public AwsSettings settings(String region) {
        return AwsSettings.of(layer(region));
    }

    public AwsSettings.Layer layer(String region) {
        return AwsSettings.Layer.EMPTY.withRegion(region)
                .withCredentials(new CredentialsSource.StaticKeys(ACCESS_KEY, SECRET_KEY))
                .withEndpoint(endpoint())
                .withRetries(null, 3);
    }

    /** Answers {@code operation} with {@code handler}. */
    public FakeAwsServer on(String operation, Function<RecordedRequest, FakeResponse> handler) {
        handlers.put(operation, handler);
        return this;
    }

    /** REST-JSON: maps a method and a path pattern ({@code /findings/{id}}) to an operation name. */
    public FakeAwsServer route(String method, String pathPattern, String operation) {
        String regex = pathPattern.replaceAll("\\{[^/]+}", "[^/]+");
        routes.add(new Route(method, Pattern.compile(regex + "/?"), operation));
        return this;
    }

    /** The next {@code times} calls of {@code operation} fail with {@code error}, before any handler runs. */
    public FakeAwsServer failNext(String operation, int times, FakeError error) {
        Deque<FakeError> q = scriptedFailures.computeIfAbsent(operation, k -> new ArrayDeque<>());
        synchronized (q) {
            for (int i = 0; i < times; i++) {
                q.add(error);
            }
        }
        return this;
    }

    /**
     * The next call of {@code operation} is held, unanswered, until the returned latch is counted down: a
     * controller that dies while waiting for the answer.
     */
    public java.util.concurrent.CountDownLatch holdNext(String operation) {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        holds.put(operation, latch);
        return latch;
    }

    /** Every call of {@code operation} waits {@code delay} before answering (for timeouts). */
    public FakeAwsServer delay(String operation, Duration delay) {
        delays.put(operation, delay);
        return this;
    }

    /** Requests signed for another region are refused, as AWS does. */
    public FakeAwsServer expectRegion(String region) {
        this.expectedRegion = region;
        return this;
    }

    /** While down, every request gets HTTP 503 (an endpoint failing over). */
    public FakeAwsServer down(boolean isDown) {
        this.down = isDown;
        return this;
    }

    /** While hanging, every request is read and never answered (until the fake closes): an endpoint that hangs. */
    public FakeAwsServer hang(boolean isHanging) {
        this.hanging = isHanging;
        return this;
    }

    /** While dropping, every request is read and the connection closed without an answer. */
    public FakeAwsServer dropConnections(boolean isDropping) {
        this.dropping = isDropping;
        return this;
    }

    public List<RecordedRequest> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests));
    }

    public List<RecordedRequest> requests(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    public long count(String operation) {
        return requests.stream().filter(r -> r.operation().equals(operation)).count();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> form = isQuery() ? parseForm(body) : Map.of();
            String operation = operationOf(exchange, method, path, form);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher m = CREDENTIAL.matcher(auth == null ? "" : auth);
            String signedRegion = m.find() ? m.group(3) : null;
            String signedService = signedRegion == null ? null : m.group(4);
            RecordedRequest request = new RecordedRequest(operation, method, path,
                    new LinkedHashMap<>(exchange.getRequestHeaders()), body, form, signedService, signedRegion,
                    exchange.getRequestURI().getRawQuery());
            requests.add(request);

            if (hanging) {
                closed.await();
                return;
            }
            if (dropping) {
                // Closing the exchange before any response header is sent closes the connection.
                return;
            }
            if (down) {
                send(exchange, errorResponse(new FakeError(503, "ServiceUnavailable", "Service is unavailable")));
                return;
            }
            if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256") || signedService == null) {
                send(exchange, errorResponse(new FakeError(403, "MissingAuthenticationToken",
                        "Request is missing Authentication Token")));
                return;
            }
            if (!signingService.equals(signedService) || expectedRegion != null
                    && !expectedRegion.equals(signedRegion)) {
                send(exchange, errorResponse(new FakeError(403, "InvalidSignatureException", "Credential should be "
                        + "scoped to a valid region and service " + signingService
                        + ", not " + signedRegion + "/" + signedService)));
                return;
            }
            java.util.concurrent.CountDownLatch hold = holds.remove(operation);
            if (hold != null) {
                hold.await();
            }
            Duration d = delays.get(operation);
            if (d != null) {
                Thread.sleep(d.toMillis());
            }
            FakeError scripted = nextScriptedFailure(operation);
            if (scripted != null) {
                send(exchange, errorResponse(scripted));
                return;
            }
            Function<RecordedRequest, FakeResponse> handler = handlers.get(operation);
            if (handler == null) {
                send(exchange, errorResponse(new FakeError(400, "UnknownOperationException",
                        "The fake does not implement " + operation)));
                return;
            }
            FakeResponse response;
            try {
                response = handler.apply(request);
            } catch (ErrorReply reply) {
                response = errorResponse(reply.error());
            }
            send(exchange, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private boolean isQuery() {
        return protocol == Protocol.EC2_QUERY || protocol == Protocol.AWS_QUERY;
    }

    private String operationOf(HttpExchange exchange, String method, String path, Map<String, String> form) {
        switch (protocol) {
            case JSON_1_1: {
                String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                return target == null ? "?" : target.substring(target.indexOf('.') + 1);
            }
            case REST_JSON: {
                for (Route r : routes) {
                    if (r.method().equals(method) && r.path().matcher(path).matches()) {
                        return r.operation();
                    }
                }
                return method + " " + path;
            }
            default:
                return form.getOrDefault("Action", "?");
        }
    }

    private FakeError nextScriptedFailure(String operation) {
        Deque<FakeError> q = scriptedFailures.get(operation);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            return q.poll();
        }
    }

    /** The service error in this protocol's format. */
    public FakeResponse errorResponse(FakeError error) {
        String requestId = java.util.UUID.randomUUID().toString();
        switch (protocol) {
            case JSON_1_1: {
                ObjectNode n = JSON.createObjectNode().put("__type", error.code()).put("message", error.message());
                return new FakeResponse(error.status(), "application/x-amz-json-1.1", n.toString(),
                        Map.of("x-amzn-ErrorType", error.code(), "x-amzn-RequestId", requestId));
            }
            case REST_JSON: {
                ObjectNode n = JSON.createObjectNode().put("Code", error.code()).put("Message", error.message())
                        .put("message", error.message());
                return new FakeResponse(error.status(), "application/json", n.toString(),
                        Map.of("x-amzn-ErrorType", error.code(), "x-amzn-RequestId", requestId));
            }
            case EC2_QUERY:
                return new FakeResponse(error.status(), "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                        + "<Response><Errors><Error><Code>" + xml(error.code()) + "</Code><Message>"
                        + xml(error.message()) + "</Message></Error></Errors><RequestID>" + requestId
                        + "</RequestID></Response>", Map.of());
            default:
                return new FakeResponse(error.status(), "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>"
                        + xml(error.code()) + "</Code><Message>" + xml(error.message()) + "</Message></Error>"
                        + "<RequestId>" + requestId + "</RequestId></ErrorResponse>", Map.of());
        }
    }

    private void send(HttpExchange exchange, FakeResponse response) throws IOException {
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        String type = response.contentType();
        if (protocol == Protocol.JSON_1_1 && "application/json".equals(type)) {
            type = "application/x-amz-json-1.1";
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    public static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
