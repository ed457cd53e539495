package io.jenkins.plugins.awsdelivery.core.spot;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies the PKCS#7 (CMS SignedData) signature EC2 puts on an instance identity document
 * ({@code /latest/dynamic/instance-identity/pkcs7} and {@code /rsa2048}) with the JDK alone: a small DER reader
 * takes the signed content and the signer's signature out of the structure, and {@link Signature} checks it against
 * the public key of a trusted certificate. Certificates inside the PKCS#7 itself are ignored: only the trusted ones
 * (AWS's published certificates, plus those an administrator adds) can make a signature valid.
 */
public final class IdentitySignature {

    private static final String OID_DATA = "1.2.840.113549.1.7.1";
    private static final String OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
    private static final String OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    private static final String OID_CONTENT_TYPE = "1.2.840.113549.1.9.3";
    private static final Map<String, String> DIGESTS = Map.of(
            "1.3.14.3.2.26", "SHA1",
            "2.16.840.1.101.3.4.2.1", "SHA256",
            "2.16.840.1.101.3.4.2.2", "SHA384",
            "2.16.840.1.101.3.4.2.3", "SHA512");
    /** Signature algorithms by OID: the key type they need. */
    private static final Map<String, String> KEY_TYPES = Map.of(
            "1.2.840.113549.1.1.1", "RSA", // rsaEncryption: the digest algorithm says which hash
            "1.2.840.113549.1.1.5", "RSA",
            "1.2.840.113549.1.1.11", "RSA",
            "1.2.840.113549.1.1.12", "RSA",
            "1.2.840.113549.1.1.13", "RSA",
            "1.2.840.10040.4.1", "DSA",
            "1.2.840.10040.4.3", "DSA",
            "2.16.840.1.101.3.4.3.2", "DSA");

    private IdentitySignature() {}

    /**
     * The content the PKCS#7 signs, when one of its signers' signatures verifies with a trusted certificate;
     * empty for anything else (malformed input, unknown algorithm, untrusted or wrong key, altered content).
     *
     * @param pkcs7 the signature as IMDS serves it: base64, with or without PEM armour
     * @param detachedContent the signed content, used only when the PKCS#7 does not carry it (may be null)
     */
    public static Optional<byte[]> verifiedContent(String pkcs7, byte[] detachedContent,
                                                   List<X509Certificate> trusted) {
        try {
            return verify(decode(pkcs7), detachedContent, trusted);
        } catch (RuntimeException | GeneralSecurityException e) {
            // Whatever a malformed signature makes the parser throw is a refusal, never an error page.
            return Optional.empty();
        }
    }

    private static byte[] decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no signature");
        }
        String body = text.replaceAll("-----(BEGIN|END) [A-Z0-9 ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static Optional<byte[]> verify(byte[] der, byte[] detached, List<X509Certificate> trusted)
            throws GeneralSecurityException {
        Der contentInfo = Der.read(der, 0);
        List<Der> ci = contentInfo.children();
        if (!OID_SIGNED_DATA.equals(ci.get(0).oid())) {
            return Optional.empty();
        }
        List<Der> signedData = ci.get(1).children().get(0).children();
        int i = 1; // version
        i++; // digestAlgorithms
        List<Der> encap = signedData.get(i++).children();
        // The content a signature carries is the one verified and returned; a detached one only stands in for it.
        byte[] content = encap.size() > 1 ? encap.get(1).children().get(0).octets() : detached;
        if (content == null) {
            return Optional.empty();
        }
        while (signedData.get(i).tag() == 0xA0 || signedData.get(i).tag() == 0xA1) {
            i++; // certificates and CRLs: never trusted
        }
        for (Der signerInfo : signedData.get(i).children()) {
            if (signerVerifies(signerInfo.children(), content, trusted)) {
                return Optional.of(content);
            }
        }
        return Optional.empty();
    }

    private static boolean signerVerifies(List<Der> si, byte[] content, List<X509Certificate> trusted)
            throws GeneralSecurityException {
        int i = 2; // version, sid
        String digest = DIGESTS.get(si.get(i++).children().get(0).oid());
        Der signedAttrs = si.get(i).tag() == 0xA0 ? si.get(i++) : null;
        String sigOid = si.get(i++).children().get(0).oid();
        byte[] signature = si.get(i).octets();
        String keyType = KEY_TYPES.get(sigOid);
        if (digest == null || keyType == null) {
            return false;
        }
        byte[] signed = content;
        if (signedAttrs != null) {
            byte[] messageDigest = null;
            String contentType = null;
            for (Der attr : signedAttrs.children()) {
                List<Der> a = attr.children();
                String oid = a.get(0).oid();
                Der value = a.get(1).children().get(0);
                if (OID_MESSAGE_DIGEST.equals(oid)) {
                    messageDigest = value.octets();
                } else if (OID_CONTENT_TYPE.equals(oid)) {
                    contentType = value.oid();
                }
            }
            byte[] actual = MessageDigest.getInstance(digest.replace("SHA", "SHA-")).digest(content);
            if (messageDigest == null || !MessageDigest.isEqual(messageDigest, actual)
                    || (contentType != null && !OID_DATA.equals(contentType))) {
                return false;
            }
            // The signature covers the attributes as a DER SET, not as the [0] IMPLICIT field that carries them.
            signed = signedAttrs.encoded().clone();
            signed[0] = 0x31;
        }
        for (X509Certificate cert : trusted) {
            PublicKey key = cert.getPublicKey();
            if (!keyType.equals(key.getAlgorithm())) {
                continue;
            }
            Signature s = Signature.getInstance(digest + "with" + keyType);
            s.initVerify(key);
            s.update(signed);
            if (s.verify(signature)) {
                return true;
            }
        }
        return false;
    }

    /** One DER (or BER with indefinite lengths) element. */
    private record Der(int tag, byte[] source, int start, int headerLength, int length, boolean indefinite) {

        /** Nesting of indefinite-length elements allowed; an EC2 PKCS#7 uses a handful. */
        private static final int MAX_DEPTH = 32;

        static Der read(byte[] b, int at) {
            return read(b, at, 0);
        }

        private static Der read(byte[] b, int at, int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("nested too deeply");
            }
            int tag = b[at] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte tags are not used in PKCS#7");
            }
            int p = at + 1;
            int first = b[p++] & 0xFF;
            int length;
            boolean indefinite = false;
            if (first < 0x80) {
                length = first;
            } else if (first == 0x80) {
                indefinite = true;
                length = indefiniteLength(b, p, tag, depth);
            } else {
                int n = first & 0x7F;
                if (n > 4) {
                    throw new IllegalArgumentException("length too long");
                }
                length = 0;
                for (int k = 0; k < n; k++) {
                    length = (length << 8) | (b[p++] & 0xFF);
                }
                if (length < 0 || length > b.length - p) {
                    throw new IllegalArgumentException("length beyond the input");
                }
            }
            return new Der(tag, b, at, p - at, length, indefinite);
        }

        /** The length of an indefinite-length element's children, not counting its end-of-contents octets. */
        private static int indefiniteLength(byte[] b, int from, int tag, int depth) {
            if ((tag & 0x20) == 0) {
                throw new IllegalArgumentException("indefinite length on a primitive element");
            }
            int p = from;
            while (!(b[p] == 0 && b[p + 1] == 0)) {
                Der child = read(b, p, depth + 1);
                p = child.end();
            }
            return p - from;
        }

        int end() {
            return start + headerLength + length + (indefinite ? 2 : 0);
        }

        byte[] encoded() {
            return Arrays.copyOfRange(source, start, end());
        }

        List<Der> children() {
            if ((tag & 0x20) == 0) {
                throw new IllegalArgumentException("not a constructed element");
            }
            List<Der> out = new ArrayList<>();
            int p = start + headerLength;
            int stop = p + length;
            while (p < stop) {
                Der child = read(source, p);
                out.add(child);
                p = child.end();
            }
            return out;
        }

        /** The bytes of an OCTET STRING, joining the segments of a constructed (BER) one. */
        byte[] octets() {
            if (tag == 0x04) {
                return Arrays.copyOfRange(source, start + headerLength, start + headerLength + length);
            }
            if (tag == 0x24) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                children().forEach(c -> out.writeBytes(c.octets()));
                return out.toByteArray();
            }
            throw new IllegalArgumentException("not an OCTET STRING");
        }

        String oid() {
            if (tag != 0x06 || length == 0) {
                throw new IllegalArgumentException("not an OBJECT IDENTIFIER");
            }
            StringBuilder sb = new StringBuilder();
            int p = start + headerLength;
            long value = 0;
            boolean firstArc = true;
            for (int k = p; k < p + length; k++) {
                int v = source[k] & 0xFF;
                value = (value << 7) | (v & 0x7F);
                if ((v & 0x80) == 0) {
                    if (firstArc) {
                        long top = Math.min(value / 40, 2);
                        sb.append(top).append('.').append(value - top * 40);
                        firstArc = false;
                    } else {
                        sb.append('.').append(value);
                    }
                    value = 0;
                }
            }
            return sb.toString();
        }
    }
}
