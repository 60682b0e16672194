package io.tcpecho.tls;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link HostileTlsClientsTest} with echo.tls.engine=openssl, which refuses renegotiation in words of its own. */
@QuarkusTest
@TestProfile(MutualTlsOpenSslTest.OnOpenSsl.class)
class HostileTlsClientsOpenSslTest extends HostileTlsClientsTest {
}
