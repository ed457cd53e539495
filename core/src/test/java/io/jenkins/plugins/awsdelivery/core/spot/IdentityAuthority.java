package io.jenkins.plugins.awsdelivery.core.spot;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A certificate authority of the tests' own that signs instance identity documents the way EC2 does: a PKCS7
 * SignedData carrying the document, signed with SHA256withRSA (as {@code /rsa2048}) or SHA1withDSA (as
 * {@code /pkcs7}).
 */
final class IdentityAuthority {

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final String algorithm;

    private IdentityAuthority(String keyType, int bits, String algorithm) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(keyType);
        g.initialize(bits);
        this.keys = g.generateKeyPair();
        this.algorithm = algorithm;
        X500Name name = new X500Name("CN=Test EC2 identity " + keyType + ", O=Tests");
        ContentSigner self = new JcaContentSignerBuilder(algorithm).build(keys.getPrivate());
        X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2040-01-01T00:00:00Z")),
                name, keys.getPublic()).build(self);
        this.certificate = new JcaX509CertificateConverter().getCertificate(holder);
    }

    static IdentityAuthority rsa() throws Exception {
        return new IdentityAuthority("RSA", 2048, "SHA256withRSA");
    }

    static IdentityAuthority dsa() throws Exception {
        return new IdentityAuthority("DSA", 2048, "SHA256withDSA");
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The base64 PKCS7 of the document, with the document attached, as IMDS serves it. */
    String sign(String document) throws Exception {
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()), certificate));
        byte[] der = gen.generate(new CMSProcessableByteArray(document.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)), true).getEncoded();
        return Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der);
    }

    static String document(String instanceId, String accountId, String region, Instant pendingTime) {
        return "{\n  \"accountId\" : \"" + accountId + "\",\n  \"architecture\" : \"x86_64\",\n"
                + "  \"availabilityZone\" : \"" + region + "a\",\n  \"imageId\" : \"ami-0123456789abcdef0\",\n"
                + "  \"instanceId\" : \"" + instanceId + "\",\n  \"instanceType\" : \"m5.large\",\n"
                + "  \"pendingTime\" : \"" + pendingTime + "\",\n  \"privateIp\" : \"10.0.0.12\",\n"
                + "  \"region\" : \"" + region + "\",\n  \"version\" : \"2017-09-30\"\n}";
    }
}
