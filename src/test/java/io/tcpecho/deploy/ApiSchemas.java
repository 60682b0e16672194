package io.tcpecho.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Kubernetes objects checked against the API's schemas, as the API server would decode them: each apiVersion and
 * kind must be one the schemas define, every field must exist in its object's schema, and every value must have the
 * field's type (no string for an integer, no number for a string, no "true" for a boolean), and quantities must parse.
 * <p>
 * The schemas are fabric8's Kubernetes models, generated from the Kubernetes OpenAPI schemas and from the CRDs of
 * Gateway API, cert-manager and the Prometheus operator. They keep unknown fields in each object's
 * {@code additionalProperties} instead of refusing them, so every object of a decoded manifest is walked and any
 * such field reported with its path. Gateway API 1.6's v1 TCPRoute, TLSRoute and UDPRoute are checked against the
 * v1alpha2 schemas (the newest fabric8 has): the release promoted them to v1 without changing their fields.
 */
final class ApiSchemas {

    private static final Map<String, Class<?>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Pod", io.fabric8.kubernetes.api.model.Pod.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry("cert-manager.io/v1/Certificate", io.fabric8.certmanager.api.model.v1.Certificate.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class),
            Map.entry("gateway.networking.k8s.io/v1alpha2/TCPRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TCPRoute.class),
            Map.entry("gateway.networking.k8s.io/v1alpha2/TLSRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRoute.class),
            Map.entry("gateway.networking.k8s.io/v1alpha2/UDPRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.UDPRoute.class),
            Map.entry("gateway.networking.k8s.io/v1/TCPRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TCPRoute.class),
            Map.entry("gateway.networking.k8s.io/v1/TLSRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.TLSRoute.class),
            Map.entry("gateway.networking.k8s.io/v1/UDPRoute", io.fabric8.kubernetes.api.model.gatewayapi.v1alpha2.UDPRoute.class));

    /** Strict as the API server: no coercion between strings, numbers and booleans. */
    private static final JsonMapper STRICT = strict();

    private ApiSchemas() {
    }

    private static JsonMapper strict() {
        JsonMapper mapper = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        return mapper;
    }

    /** What is wrong with {@code object} by the schemas: empty when nothing. */
    static List<String> problems(JsonNode object) {
        String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String name = key + " " + object.at("/metadata/name").asText();
        Class<?> type = KINDS.get(key);
        if (type == null) {
            return List.of(name + ": no schema for apiVersion/kind " + key + " (known: " + KINDS.keySet().stream().sorted().toList() + ")");
        }
        Object decoded;
        try {
            decoded = STRICT.treeToValue(object, type);
        } catch (Exception e) {
            return List.of(name + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
        }
        List<String> problems = new ArrayList<>();
        walk(decoded, "", name, problems);
        return problems;
    }

    private static void walk(Object value, String path, String name, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", name, problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, name, problems));
            return;
        }
        if (value instanceof Quantity quantity) {
            try {
                Quantity.getAmountInBytes(quantity);
            } catch (RuntimeException e) {
                problems.add(name + ": " + path + ": not a quantity: " + quantity);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.") || value.getClass().isEnum()) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (!isProperty(getter)) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(getter + ": " + e, e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) property).keySet()
                        .forEach(field -> problems.add(name + ": " + (path.isEmpty() ? "" : path + ".") + field + ": unknown field"));
            } else {
                walk(property, path + "." + decapitalize(getter.getName().substring(3)), name, problems);
            }
        }
    }

    private static boolean isProperty(Method method) {
        return method.getName().startsWith("get") && method.getParameterCount() == 0
                && !Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class
                && !method.getReturnType().isPrimitive() && method.getReturnType() != String.class;
    }

    private static String decapitalize(String name) {
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
