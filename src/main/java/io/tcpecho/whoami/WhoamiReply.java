package io.tcpecho.whoami;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.TreeMap;

import io.tcpecho.identity.PodIdentity;
import io.tcpecho.proxy.ClientOrigin;
import io.tcpecho.proxy.ProxyHeader;
import io.vertx.core.json.JsonObject;

/** The whoami answer: which pod, which server address, which client as seen and as a PROXY header gave it. */
final class WhoamiReply {

    private WhoamiReply() {
    }

    static JsonObject of(PodIdentity pod, InetSocketAddress server, ClientOrigin origin, long connection, Instant started,
            String version) {
        return new JsonObject()
                .put("pod", pod.name())
                .put("namespace", pod.namespace().orElse(null))
                .put("node", pod.node().orElse(null))
                .put("podIp", pod.ip().orElse(null))
                .put("server", ClientOrigin.format(server))
                .put("client", ClientOrigin.format(origin.client()))
                .put("peer", ClientOrigin.format(origin.peer()))
                .put("proxy", origin.header().map(WhoamiReply::proxy).orElse(null))
                .put("connection", connection)
                .put("started", started.toString())
                .put("version", version);
    }

    private static JsonObject proxy(ProxyHeader header) {
        return new JsonObject()
                .put("version", header.version())
                .put("command", header.command())
                .put("protocol", header.protocol())
                .put("source", header.source().map(ClientOrigin::format).orElse(null))
                .put("destination", header.destination().map(ClientOrigin::format).orElse(null))
                .put("tlvs", new JsonObject(new TreeMap<String, Object>(header.tlvs())));
    }
}
