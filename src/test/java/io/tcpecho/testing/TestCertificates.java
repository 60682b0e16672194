package io.tcpecho.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;


/**
 * Test certificates for the TLS listener's tests, as PEM files the way a Kubernetes TLS Secret mounts them: a CA, a
 * server certificate and key it signed, and a client certificate and key it signed too (so that the server's trust
 * store, the CA, holds the client); and the CA's key, which signs {@link #renewed renewals}. EC P-256 keys, made with
 * Bouncy Castle: the RSA keys of a generic generator took seconds each on the test machines, at every test profile, and
 * every handshake costs less with EC keys too.
 */
public final class TestCertificates {

    private static final String SIGNATURE = "SHA256withECDSA";

    private final Path directory;
    private final String name;

    private TestCertificates(Path directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    /**
     * Certificates with common name {@code cn} (server and client alike; the server's also names localhost and the
     * loopback addresses), in {@code target/test-certificates/PID/NAME}: made by the first call in this JVM and read
     * from the files by later ones (a Quarkus test profile and its test class run in different class loaders, each
     * with its own copy of this class, and must see the same certificates; they are called one after the other).
     */
    public static synchronized TestCertificates generate(String name, String cn) {
        Path directory = Path.of("target", "test-certificates", Long.toString(ProcessHandle.current().pid()), name)
                .toAbsolutePath();
        TestCertificates certificates = new TestCertificates(directory, name);
        if (Files.isRegularFile(certificates.clientCertFile())) {
            return certificates;
        }
        try {
            Files.createDirectories(directory);
            Instant now = Instant.now();
            KeyPair ca = keyPair();
            X509Certificate caCertificate = sign(caSubject(name), ca.getPublic(), ca.getPrivate(), caSubject(name), now,
                    builder -> {
                        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                    });
            KeyPair server = keyPair();
            X509Certificate serverCertificate = serverCertificate(cn, server.getPublic(), ca.getPrivate(), name, now);
            KeyPair client = keyPair();
            X509Certificate clientCertificate = sign(new X500Name("CN=" + cn), client.getPublic(), ca.getPrivate(),
                    caSubject(name), now, builder -> { });
            write(certificates.keyFile(), new JcaPKCS8Generator(server.getPrivate(), null));
            write(certificates.certFile(), serverCertificate);
            write(certificates.clientKeyFile(), new JcaPKCS8Generator(client.getPrivate(), null));
            write(certificates.trustFile(), caCertificate);
            write(certificates.caKeyFile(), new JcaPKCS8Generator(ca.getPrivate(), null));
            // Last: its presence says the set is complete.
            write(certificates.clientCertFile(), clientCertificate);
            return certificates;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot generate test certificates in " + directory, e);
        }
    }

    /**
     * A renewal of this set's server certificate, as cert-manager makes one: a new key, and a certificate for {@code cn}
     * signed by the same CA, in a set of its own named {@code name} (its trust file this CA, and no client certificate).
     */
    public TestCertificates renewed(String name, String cn) {
        TestCertificates renewed = new TestCertificates(directory.resolveSibling(name), name);
        try {
            Files.createDirectories(renewed.directory);
            KeyPair server = keyPair();
            write(renewed.keyFile(), new JcaPKCS8Generator(server.getPrivate(), null));
            write(renewed.certFile(), serverCertificate(cn, server.getPublic(), readKey(caKeyFile()), this.name, Instant.now()));
            Files.copy(trustFile(), renewed.trustFile(), StandardCopyOption.REPLACE_EXISTING);
            return renewed;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot renew the test certificate of " + directory, e);
        }
    }

    @FunctionalInterface
    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** A server certificate for {@code cn}, localhost and the loopback addresses, signed by the CA of set {@code caName}. */
    private static X509Certificate serverCertificate(String cn, PublicKey key, PrivateKey caKey, String caName, Instant now)
            throws Exception {
        return sign(new X500Name("CN=" + cn), key, caKey, caSubject(caName), now, builder -> builder.addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, cn),
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.iPAddress, "::1") })));
    }

    private static X500Name caSubject(String name) {
        return new X500Name("CN=" + name + " test CA");
    }

    private static X509Certificate sign(X500Name subject, PublicKey key, PrivateKey issuerKey, X500Name issuerName,
            Instant now, Extensions extensions) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(now.toEpochMilli()).add(BigInteger.valueOf(System.nanoTime() & 0xFFFF)),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
        extensions.add(builder);
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE)
                .build(issuerKey)));
    }

    private static void write(Path file, Object pem) throws IOException {
        try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(file))) {
            writer.writeObject(pem);
        }
    }

    /** The server side: quarkus.tls.echo.* for the key store and the trust store of client certificates. */
    public Map<String, String> serverConfig() {
        return Map.of(
                "quarkus.tls.echo.key-store.pem.0.cert", certFile().toString(),
                "quarkus.tls.echo.key-store.pem.0.key", keyFile().toString(),
                "quarkus.tls.echo.trust-store.pem.certs", trustFile().toString());
    }

    public Path certFile() {
        return directory.resolve(name + ".crt");
    }

    public Path keyFile() {
        return directory.resolve(name + ".key");
    }

    private Path caKeyFile() {
        return directory.resolve(name + "-ca.key");
    }

    public Path clientCertFile() {
        return directory.resolve(name + "-client.crt");
    }

    public Path clientKeyFile() {
        return directory.resolve(name + "-client.key");
    }

    /** The CA file: what a client trusts the server by, and the server's trust store for client certificates. */
    public Path trustFile() {
        return directory.resolve(name + "-ca.crt");
    }

    /**
     * Replaces the server's certificate and key with those of {@code other}, each file by an atomic rename, as the
     * kubelet swaps a Secret's files.
     */
    public void replaceServerCertificateWith(TestCertificates other) throws IOException {
        Files.copy(other.keyFile(), directory.resolve("key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(other.certFile(), directory.resolve("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(directory.resolve("key.tmp"), keyFile(), StandardCopyOption.ATOMIC_MOVE);
        Files.move(directory.resolve("cert.tmp"), certFile(), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A client's TLS context: trusts this server's certificate, and presents the client certificate of {@code client}
     * if not null.
     */
    public SSLContext clientContext(TestCertificates client) {
        return context(client == null ? null : client.clientCertFile(), client == null ? null : client.clientKeyFile());
    }

    /** A client's TLS context that trusts this server and presents {@code other}'s server certificate as its own. */
    public SSLContext clientContextPresenting(TestCertificates other) {
        return context(other.certFile(), other.keyFile());
    }

    private SSLContext context(Path clientCert, Path clientKey) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(storeOf(readCertificate(trustFile()), null));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(clientCert == null ? null : storeOf(readCertificate(clientCert), readKey(clientKey)), new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a client TLS context", e);
        }
    }

    public static X509Certificate readCertificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path file) throws Exception {
        try (Reader in = Files.newBufferedReader(file); PEMParser parser = new PEMParser(in)) {
            Object pem = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return pem instanceof PEMKeyPair pair ? converter.getKeyPair(pair).getPrivate()
                    : converter.getPrivateKey((PrivateKeyInfo) pem);
        }
    }

    private static KeyStore storeOf(Certificate certificate, PrivateKey key) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        if (key == null) {
            store.setCertificateEntry("ca", certificate);
        } else {
            store.setKeyEntry("client", key, new char[0], new Certificate[] { certificate });
        }
        return store;
    }
}
