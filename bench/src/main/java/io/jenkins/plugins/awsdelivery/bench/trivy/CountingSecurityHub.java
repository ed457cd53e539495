package io.jenkins.plugins.awsdelivery.bench.trivy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Security Hub endpoint for the large-report benchmark, in its own process so that the measured JVM holds only the
 * import: BatchImportFindings counts the findings of each request (streaming its body) and accepts them all;
 * GetFindings returns nothing. No rate limit: the importer's own limiter (10 a second, bursts of 30) paces it.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.jenkins.plugins.awsdelivery.bench.trivy.CountingSecurityHub 8555}
 */
public final class CountingSecurityHub {

    private static final JsonFactory JSON = new JsonFactory();

    private CountingSecurityHub() {}

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        AtomicLong findings = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/findings/import")) {
                int n = count(exchange.getRequestBody());
                findings.addAndGet(n);
                calls.incrementAndGet();
                reply(exchange, "{\"FailedCount\":0,\"SuccessCount\":" + n + ",\"FailedFindings\":[]}");
            } else if (path.equals("/findings")) {
                exchange.getRequestBody().readAllBytes();
                reply(exchange, "{\"Findings\":[]}");
            } else {
                exchange.getRequestBody().readAllBytes();
                reply(exchange, "{\"calls\":" + calls.get() + ",\"findings\":" + findings.get() + "}");
            }
        });
        server.start();
        System.out.println("CountingSecurityHub on http://127.0.0.1:" + port);
    }

    private static int count(InputStream body) throws IOException {
        int n = 0;
        try (JsonParser p = JSON.createParser(body)) {
            int depth = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (depth == 3 && t == JsonToken.START_OBJECT) {
                        n++;
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        }
        return n;
    }

    private static void reply(HttpExchange exchange, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
