package io.tcpecho.load;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A whoami answer, as the whoami listener and the identity listener send it (one JSON object): the pod that took the
 * connection, the client as that pod saw it, and the PROXY protocol version that came with it ({@code none}, {@code v1},
 * {@code v2}).
 */
record WhoamiAnswer(String pod, String client, String proxy) {

    /**
     * Reads an answer.
     *
     * @throws IllegalArgumentException with the words of a report, when {@code text} is not JSON or names no pod
     */
    static WhoamiAnswer parse(String text) {
        JsonObject answer;
        try {
            answer = new JsonObject(text);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("not a whoami answer: " + LoadRun.describe(e));
        }
        try {
            String pod = answer.getString("pod");
            if (pod == null) {
                throw new IllegalArgumentException("an answer without a pod: " + answer.encode());
            }
            JsonObject proxy = answer.getJsonObject("proxy");
            return new WhoamiAnswer(pod, answer.getString("client"),
                    proxy == null ? "none" : "v" + proxy.getInteger("version"));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("not a whoami answer: " + LoadRun.describe(e));
        }
    }
}
