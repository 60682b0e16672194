package io.tcpecho.proxy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;

/**
 * Names and values for the v2 TLVs that load balancers send: the standard ones of the PROXY protocol
 * specification (section 2.2) and the vendor ones of AWS, Google Cloud and Azure, as their documentation
 * defines them. Unknown types are kept as hex under {@code 0x..}, so nothing the header carried is hidden.
 */
public final class ProxyTlvs {

    private static final int AWS = 0xEA;
    private static final int AWS_VPC_ENDPOINT_ID = 0x01;
    private static final int GCP_PSC_CONNECTION_ID = 0xE0;
    private static final int AZURE = 0xEE;
    private static final int AZURE_PRIVATE_ENDPOINT_LINK_ID = 0x01;

    private ProxyTlvs() {
    }

    static Map<String, String> decode(List<HAProxyTLV> tlvs) {
        Map<String, String> decoded = new LinkedHashMap<>();
        tlvs.forEach(tlv -> add(decoded, tlv));
        return Map.copyOf(decoded);
    }

    private static void add(Map<String, String> decoded, HAProxyTLV tlv) {
        ByteBuf value = tlv.content();
        int type = tlv.typeByteValue() & 0xFF;
        switch (type) {
            case 0x01 -> decoded.put("alpn", ascii(value));
            case 0x02 -> decoded.put("authority", ascii(value));
            case 0x04 -> { } // NOOP: padding
            case 0x05 -> decoded.put("unique_id", ByteBufUtil.hexDump(value));
            case 0x20 -> ssl(decoded, (HAProxySSLTLV) tlv);
            case 0x21, 0x22, 0x23, 0x24, 0x25 -> { } // SSL sub-TLVs: read inside the SSL TLV; Netty lists them again here
            case 0x30 -> decoded.put("netns", ascii(value));
            case AWS -> vendor(decoded, value, AWS_VPC_ENDPOINT_ID, "aws_vpce_id", type);
            case GCP_PSC_CONNECTION_ID -> decoded.put("gcp_psc_connection_id", value.readableBytes() == 8
                    ? Long.toUnsignedString(value.getLong(value.readerIndex())) : ByteBufUtil.hexDump(value));
            case AZURE -> {
                if (value.readableBytes() == 5 && value.getUnsignedByte(value.readerIndex()) == AZURE_PRIVATE_ENDPOINT_LINK_ID) {
                    decoded.put("azure_private_endpoint_link_id",
                            Long.toString(value.getUnsignedIntLE(value.readerIndex() + 1)));
                } else {
                    decoded.put(hexType(type), ByteBufUtil.hexDump(value));
                }
            }
            default -> decoded.put(hexType(type), ByteBufUtil.hexDump(value));
        }
    }

    private static void ssl(Map<String, String> decoded, HAProxySSLTLV ssl) {
        decoded.put("ssl_client_ssl", Boolean.toString(ssl.isPP2ClientSSL()));
        decoded.put("ssl_client_cert", Boolean.toString(ssl.isPP2ClientCertConn() || ssl.isPP2ClientCertSess()));
        decoded.put("ssl_verified", Boolean.toString(ssl.verify() == 0));
        for (HAProxyTLV inner : ssl.encapsulatedTLVs()) {
            String name = switch (inner.typeByteValue() & 0xFF) {
                case 0x21 -> "ssl_version";
                case 0x22 -> "ssl_cn";
                case 0x23 -> "ssl_cipher";
                case 0x24 -> "ssl_sig_alg";
                case 0x25 -> "ssl_key_alg";
                default -> "ssl_" + hexType(inner.typeByteValue() & 0xFF);
            };
            decoded.put(name, ascii(inner.content()));
        }
    }

    /** AWS and Azure put a one-byte subtype before the value. */
    private static void vendor(Map<String, String> decoded, ByteBuf value, int subtype, String name, int type) {
        if (value.readableBytes() > 1 && value.getUnsignedByte(value.readerIndex()) == subtype) {
            decoded.put(name, value.toString(value.readerIndex() + 1, value.readableBytes() - 1, StandardCharsets.US_ASCII));
        } else {
            decoded.put(hexType(type), ByteBufUtil.hexDump(value));
        }
    }

    private static String ascii(ByteBuf value) {
        return value.toString(StandardCharsets.US_ASCII);
    }

    private static String hexType(int type) {
        return "0x%02x".formatted(type);
    }
}
