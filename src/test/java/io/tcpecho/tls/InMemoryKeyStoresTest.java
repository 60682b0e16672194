package io.tcpecho.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class InMemoryKeyStoresTest {

    @Test
    void asksForOneIterationWhenNobodyChoseACount() {
        Properties system = new Properties();

        InMemoryKeyStores.skipKeyStretching(system);

        assertThat(system.getProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS)).isEqualTo("1");
    }

    @Test
    void keepsTheCountAnOperatorSetAsASystemProperty() {
        Properties system = new Properties();
        system.setProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS, "50000");

        InMemoryKeyStores.skipKeyStretching(system);

        assertThat(system.getProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS)).isEqualTo("50000");
    }

    @Test
    void keepsTheCountAnOperatorSetInJavaSecurity() {
        String before = Security.getProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS);
        Security.setProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS, "20000");
        try {
            Properties system = new Properties();

            InMemoryKeyStores.skipKeyStretching(system);

            // The system property would override java.security's, so none is set.
            assertThat(system.getProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS)).isNull();
        } finally {
            // Security has no way to remove a property: an empty value is what the JDK reads as unset.
            Security.setProperty(InMemoryKeyStores.KEY_PBE_ITERATIONS, before == null ? "" : before);
        }
    }
}
