package io.jenkins.plugins.awsdelivery.core.spot;

import io.jenkins.plugins.awsdelivery.core.StageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The certificates whose keys may sign an instance identity document: AWS's published ones, bundled with the
 * plugin, plus those an administrator adds for a Region the bundle does not cover.
 */
public final class IdentityCertificates {

    private static final String BUNDLE = "aws-identity-certificates.pem";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    private IdentityCertificates() {}

    /** The certificates AWS publishes for the PKCS7 signatures, as bundled. */
    public static List<X509Certificate> bundled() {
        try (InputStream in = IdentityCertificates.class.getResourceAsStream(BUNDLE)) {
            if (in == null) {
                throw new IllegalStateException(BUNDLE + " is missing from the plugin");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII), BUNDLE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + BUNDLE, e);
        }
    }

    /** The bundled certificates and the administrator's own (PEM text, may be empty). */
    public static List<X509Certificate> withExtra(String extraPem) {
        List<X509Certificate> all = new ArrayList<>(bundled());
        all.addAll(parse(extraPem, "Extra identity certificates"));
        return all;
    }

    /**
     * Every PEM certificate in the text.
     *
     * @throws StageException naming the input when a block is not a certificate, or text is left over
     */
    public static List<X509Certificate> parse(String pem, String input) {
        List<X509Certificate> out = new ArrayList<>();
        if (pem == null || pem.isBlank()) {
            return out;
        }
        Matcher m = PEM.matcher(pem);
        StringBuilder rest = new StringBuilder();
        int last = 0;
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                rest.append(pem, last, m.start());
                last = m.end();
                out.add((X509Certificate) cf.generateCertificate(
                        new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
            }
        } catch (CertificateException e) {
            throw StageException.invalidInput(input + ": a block is not a valid X.509 certificate (" + e.getMessage()
                    + ").", "Paste the PEM text of the AWS public certificate for your Region, from the EC2 User "
                    + "Guide page 'AWS public certificates'.");
        }
        rest.append(pem.substring(last));
        String leftover = rest.toString().replaceAll("(?m)^#.*$", "").strip();
        if (!leftover.isEmpty()) {
            throw StageException.invalidInput(input + ": text outside a '-----BEGIN CERTIFICATE-----' block.",
                    "Paste only PEM certificates, one after the other (lines starting with # are ignored).");
        }
        return out;
    }
}
