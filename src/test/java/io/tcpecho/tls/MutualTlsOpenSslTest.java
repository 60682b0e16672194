package io.tcpecho.tls;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tcpecho.testing.MutualTlsProfile;

/** {@link MutualTlsTest} with echo.tls.engine=openssl: OpenSSL reports certificate problems in words of its own. */
@QuarkusTest
@TestProfile(MutualTlsOpenSslTest.OnOpenSsl.class)
class MutualTlsOpenSslTest extends MutualTlsTest {

    public static class OnOpenSsl extends MutualTlsProfile {
        @Override
        protected String engine() {
            return "openssl";
        }
    }
}
