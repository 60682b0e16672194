package io.tcpecho.tls;

import java.security.Security;
import java.util.Properties;

/**
 * The key stores that Vert.x and Quarkus' TLS registry build in memory from the PEM files of a TLS configuration.
 * <p>
 * Vert.x turns a PEM key into an entry of a PKCS#12 key store that lives only in this process, protected by a
 * password that is a public constant of Vert.x. The JDK stretches the password of every key it puts into a PKCS#12
 * key store with 10,000 PBKDF2-HmacSHA256 iterations, and again when a KeyManagerFactory takes the key out: about
 * 290 ms of start to ready on 2 CPUs (bench/NOTES.md, "Start-up"), and the same again at every certificate reload,
 * for a key that a published password unlocks anyway. What protects the key is its file (a Secret mounted read
 * only), not this copy. So the process asks the JDK for one iteration, unless the operator chose a count.
 * <p>
 * The count only applies to keys the JDK puts into a PKCS#12 key store: reading a key store file uses the count
 * the file carries, and this process writes no key store file.
 */
public final class InMemoryKeyStores {

    /** The JDK's setting (a system property, or a security property of java.security) for new PKCS#12 keys. */
    static final String KEY_PBE_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

    private InMemoryKeyStores() {
    }

    /** Called before Quarkus starts: the TLS registry converts PEM files while the application starts. */
    public static void skipKeyStretching(Properties systemProperties) {
        String inJavaSecurity = Security.getProperty(KEY_PBE_ITERATIONS);
        // The JDK reads an empty value as unset, and a system property would override java.security's.
        if (inJavaSecurity == null || inJavaSecurity.isBlank()) {
            systemProperties.putIfAbsent(KEY_PBE_ITERATIONS, "1");
        }
    }
}
