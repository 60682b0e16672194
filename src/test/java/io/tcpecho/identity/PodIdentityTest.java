package io.tcpecho.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Which variables name the pod: the Downward API's first, then the host name. */
class PodIdentityTest {

    @Test
    void theDownwardApiVariablesNameThePod() {
        assertThat(PodIdentity.of(Map.of("POD_NAME", "tcp-echo-7d9f-x2x4p", "POD_NAMESPACE", "echo", "NODE_NAME", "node-1",
                "POD_IP", "10.1.2.3", "HOSTNAME", "ignored"))).isEqualTo(new PodIdentity("tcp-echo-7d9f-x2x4p",
                        Optional.of("echo"), Optional.of("node-1"), Optional.of("10.1.2.3")));
    }

    @Test
    void withoutThemTheHostNameIsThePodAndTheRestIsEmpty() {
        assertThat(PodIdentity.of(Map.of("HOSTNAME", "laptop", "POD_NAMESPACE", " "))).isEqualTo(
                new PodIdentity("laptop", Optional.empty(), Optional.empty(), Optional.empty()));
        assertThat(PodIdentity.of(Map.of()).name()).isNotBlank();
    }
}
