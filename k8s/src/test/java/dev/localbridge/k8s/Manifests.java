package dev.localbridge.k8s;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Renders kustomize directories and reads the result strictly into fabric8's Kubernetes model. */
final class Manifests {

    /** API groups of CRDs we deploy (Prometheus Operator); read as GenericKubernetesResource. */
    static final Set<String> CRD_GROUPS = Set.of("monitoring.coreos.com");

    private static final ObjectMapper STRICT = strictMapper();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization(STRICT, true);
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

    private Manifests() {
    }

    /** The module's base directory (surefire runs there; k8s.dir is set by the pom as well). */
    static Path moduleDir() {
        return Path.of(System.getProperty("k8s.dir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // no scalar coercions at all: "8080" for an int, 8080 for a string, "true" for a boolean, 1.5 for an int
        m.coercionConfigDefaults()
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return m;
    }

    // ------------------------------------------------------------------------------------------------ rendering

    /** The command that renders a kustomization: kustomize if on PATH, else kubectl kustomize; else fails. */
    static List<String> kustomizeCommand(String pathEnv) {
        if (onPath("kustomize", pathEnv)) {
            return List.of("kustomize", "build");
        }
        if (onPath("kubectl", pathEnv)) {
            return List.of("kubectl", "kustomize");
        }
        throw new AssertionError("neither `kustomize` nor `kubectl` is on the PATH (" + pathEnv + "): install one to"
                + " render k8s/ — e.g. `apt-get install kustomize` (Debian trixie) or kubectl >= 1.27"
                + " (https://kubernetes.io/docs/tasks/tools/), which has kustomize built in");
    }

    private static boolean onPath(String exe, String pathEnv) {
        if (pathEnv == null) {
            return false;
        }
        for (String dir : pathEnv.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    /** Renders {@code dir} (relative to the module dir) and returns the multi-document YAML. */
    static String render(String dir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(kustomizeCommand(System.getenv("PATH")));
        cmd.add(dir);
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(moduleDir().toFile())
                    .redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n"
                        + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** What a strict read produced: the objects, and every problem (unknown field, wrong type, unknown kind). */
    record Parsed(List<HasMetadata> objects, List<String> problems) {
    }

    static Parsed read(String yaml) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<JsonNode> docs;
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            docs = it.readAll();
        }
        int index = 0;
        for (JsonNode doc : docs) {
            index++;
            if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                continue;
            }
            String where = "document " + index + " (" + doc.path("kind").asText("?") + "/"
                    + doc.path("metadata").path("name").asText("?") + ")";
            if (!doc.isObject() || !doc.path("apiVersion").isTextual() || !doc.path("kind").isTextual()) {
                problems.add(where + ": not an object with string apiVersion and kind");
                continue;
            }
            String apiVersion = doc.get("apiVersion").asText();
            String kind = doc.get("kind").asText();
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            try {
                if (CRD_GROUPS.contains(group)) {
                    objects.add(readCustomResource((ObjectNode) doc, where, problems));
                    continue;
                }
                Class<? extends KubernetesResource> type = SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
                if (type == null || type == GenericKubernetesResource.class || !HasMetadata.class.isAssignableFrom(type)) {
                    problems.add(where + ": unknown apiVersion/kind " + apiVersion + " " + kind
                            + " (no fabric8 model, not a known CRD group " + CRD_GROUPS + ")");
                    continue;
                }
                HasMetadata obj = (HasMetadata) STRICT.treeToValue(doc, type);
                List<String> unknown = new ArrayList<>();
                unknownFields(obj, "", unknown, 0);
                unknown.forEach(u -> problems.add(where + ": unknown field " + u));
                objects.add(obj);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
            }
        }
        return new Parsed(objects, problems);
    }

    private static GenericKubernetesResource readCustomResource(ObjectNode doc, String where, List<String> problems)
            throws IOException {
        // apiVersion/kind checked by the caller; metadata strictly (ObjectMeta), spec must be an object
        ObjectMeta meta = STRICT.treeToValue(doc.path("metadata"), ObjectMeta.class);
        List<String> unknown = new ArrayList<>();
        unknownFields(meta, "metadata", unknown, 0);
        unknown.forEach(u -> problems.add(where + ": unknown field " + u));
        if (meta == null || meta.getName() == null) {
            problems.add(where + ": metadata.name missing");
        }
        if (doc.has("spec") && !doc.get("spec").isObject()) {
            problems.add(where + ": spec is not an object");
        }
        for (var it = doc.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("apiVersion", "kind", "metadata", "spec").contains(f)) {
                problems.add(where + ": unknown top-level field " + f);
            }
        }
        return STRICT.treeToValue(doc, GenericKubernetesResource.class);
    }

    /**
     * fabric8 model classes swallow unknown fields (and, through UnmatchedFieldTypeModule, mistyped ones) into
     * additionalProperties: walk the object graph over its getters and report every non-empty one, by path.
     */
    static void unknownFields(Object o, String path, List<String> out, int depth) {
        if (o == null || depth > 60) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", out, depth + 1));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method method : o.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.getName();
            if (!name.startsWith("get") || name.length() == 3) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (name.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add((path.isEmpty() ? "" : path + ".") + k));
                }
                continue;
            }
            String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            unknownFields(value, path.isEmpty() ? field : path + "." + field, out, depth + 1);
        }
    }

    static <T> T convert(Object o, TypeReference<T> type) {
        return STRICT.convertValue(o, type);
    }
}
