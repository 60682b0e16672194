package io.tcpecho.echo;

import io.tcpecho.config.EchoConfig;
import io.vertx.core.net.NetServerOptions;

/** The echo listener's socket options, from {@code echo.*}; shared by every verticle instance. */
final class ListenerOptions {

    private ListenerOptions() {
    }

    static NetServerOptions of(EchoConfig config) {
        EchoConfig.Tcp tcp = config.tcp();
        NetServerOptions options = new NetServerOptions()
                .setHost(config.host())
                // A negative port asks Vert.x for one random port shared by all instances; 0 would give each its own.
                .setPort(config.port() == 0 ? -1 : config.port())
                .setTcpNoDelay(tcp.noDelay())
                .setTcpKeepAlive(tcp.keepAlive())
                .setReuseAddress(true)
                .setReusePort(tcp.reusePort())
                .setAcceptBacklog(tcp.acceptBacklog())
                // The echo writes through its own path (EchoChannels) and needs no event-bus write handler.
                .setRegisterWriteHandler(false);
        // At most 256 MiB: checked at start-up.
        tcp.receiveBufferSize().ifPresent(size -> options.setReceiveBufferSize(Math.toIntExact(size)));
        tcp.sendBufferSize().ifPresent(size -> options.setSendBufferSize(Math.toIntExact(size)));
        tcp.keepAliveIdle().ifPresent(idle -> options.setTcpKeepAliveIdleSeconds((int) idle.toSeconds()));
        tcp.keepAliveInterval().ifPresent(interval -> options.setTcpKeepAliveIntervalSeconds((int) interval.toSeconds()));
        tcp.keepAliveCount().ifPresent(options::setTcpKeepAliveCount);
        return options;
    }
}
