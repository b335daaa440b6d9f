package dev.deadlineguard.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Test-only model of the two policy-report CRD schemas deadline-guard emits, plus a validator
 * that checks a Jackson tree against them the way the API server would (pruning, types, enums,
 * required fields).
 *
 * <p>This is a <b>hand transcription</b> of facts (field names, types, enums, required lists,
 * formats) read from the published CRDs; no YAML or code from those repositories is copied here.
 * Descriptions are omitted. Sources read:
 *
 * <ul>
 *   <li>{@link #POLICY_REPORT_V1ALPHA2}: {@code kubernetes-sigs/wg-policy-prototypes}, CRD
 *       {@code policyreports.wgpolicyk8s.io}, version {@code v1alpha2} (namespaced), as installed
 *       from {@code policy-report/crd/v1alpha2/wgpolicyk8s.io_policyreports.yaml} on master.
 *       The namespaced file itself was not in the index, so the schema was read from its
 *       cluster-scoped twin {@code policy-report/crd/v1alpha2/wgpolicyk8s.io_clusterpolicyreports.yaml}
 *       (commit 037274b4, controller-gen v0.5.0) and checked against a mirror of the current
 *       namespaced file (metio/kube-custom-resources-rs
 *       {@code crd-catalog/kubernetes-sigs/wg-policy-prototypes/wgpolicyk8s.io/v1alpha2/policyreports.yaml},
 *       controller-gen v0.12.1). The two schemas are the same except that the newer one's
 *       {@code results[].severity} enum adds {@code critical} and {@code info}; this model uses the newer
 *       (larger) enum. An even older v1alpha2 revision
 *       ({@code policy-report/crd/wgpolicyk8s.io_policyreports.yaml} at cd234547) had no
 *       {@code results[].source}.
 *   <li>{@link #OPENREPORTS_REPORT_V1ALPHA1}: {@code openreports/reports-api}, CRD
 *       {@code reports.openreports.io}, version {@code v1alpha1} (namespaced), read from
 *       {@code config/install.yaml} (commit 79fa2f39, controller-gen v0.19.0) and
 *       {@code chart/templates/openreports.io_reports.yaml} (commit d63112a8, controller-gen v0.14.0);
 *       both give the same schema, which also matches {@code apis/openreports.io/v1alpha1/report_types.go}.
 * </ul>
 *
 * <p>Neither CRD uses {@code x-kubernetes-preserve-unknown-fields}, {@code x-kubernetes-int-or-string}
 * or {@code format: date-time}; the model supports them anyway so that other schemas can be written.
 * The one place this model goes beyond the CRD text is {@code metadata}: the CRDs only say
 * {@code type: object}, and the API server validates it as ObjectMeta, so it is modelled as an open
 * object whose common fields are typed.
 */
public final class CrdSchemas {

  private CrdSchemas() {}

  public static final String POLICY_REPORT_API_VERSION = "wgpolicyk8s.io/v1alpha2";
  public static final String POLICY_REPORT_KIND = "PolicyReport";
  public static final String OPENREPORTS_API_VERSION = "openreports.io/v1alpha1";
  public static final String OPENREPORTS_KIND = "Report";

  /**
   * One node of an OpenAPI v3 structural schema, reduced to what the validator needs.
   *
   * @param type "object", "array", "string", "integer", "boolean" or "number" (ignored when
   *     {@code intOrString} is set)
   * @param properties known fields of an object (empty when none are declared)
   * @param items schema of array elements, or null
   * @param required names of fields an object must carry
   * @param enumValues allowed values of a string, empty when unrestricted
   * @param format e.g. "int32", "int64", "date-time", or null
   * @param additionalPropertiesType for maps ({@code additionalProperties: {type: X}}): the value
   *     type X; null when the object is not a map
   * @param preserveUnknownFields {@code x-kubernetes-preserve-unknown-fields: true}: fields not in
   *     {@code properties} are kept (not reported)
   * @param intOrString {@code x-kubernetes-int-or-string: true}: an integer or a string
   */
  public record Node(
      String type,
      Map<String, Node> properties,
      Node items,
      List<String> required,
      List<String> enumValues,
      String format,
      String additionalPropertiesType,
      boolean preserveUnknownFields,
      boolean intOrString) {

    public Node {
      properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
      required = required == null ? List.of() : List.copyOf(required);
      enumValues = enumValues == null ? List.of() : List.copyOf(enumValues);
    }

    /** This node with {@code required} replaced. */
    public Node requiring(String... fields) {
      return new Node(type, properties, items, List.of(fields), enumValues, format,
          additionalPropertiesType, preserveUnknownFields, intOrString);
    }

    /** This node with {@code x-kubernetes-preserve-unknown-fields: true}. */
    public Node preservingUnknownFields() {
      return new Node(type, properties, items, required, enumValues, format,
          additionalPropertiesType, true, intOrString);
    }
  }

  // ---------------------------------------------------------------- small builders

  public static Node string() {
    return new Node("string", null, null, null, null, null, null, false, false);
  }

  public static Node string(String format) {
    return new Node("string", null, null, null, null, format, null, false, false);
  }

  public static Node stringEnum(String... values) {
    return new Node("string", null, null, null, List.of(values), null, null, false, false);
  }

  public static Node integer() {
    return new Node("integer", null, null, null, null, null, null, false, false);
  }

  public static Node integer(String format) {
    return new Node("integer", null, null, null, null, format, null, false, false);
  }

  public static Node number() {
    return new Node("number", null, null, null, null, null, null, false, false);
  }

  public static Node bool() {
    return new Node("boolean", null, null, null, null, null, null, false, false);
  }

  public static Node intOrString() {
    return new Node(null, null, null, null, null, null, null, false, true);
  }

  public static Node array(Node items) {
    return new Node("array", null, items, null, null, null, null, false, false);
  }

  /** {@code type: object} with {@code additionalProperties: {type: valueType}}. */
  public static Node mapOf(String valueType) {
    return new Node("object", null, null, null, null, null, valueType, false, false);
  }

  /** {@code type: object} with the given properties, as name/node pairs in order. */
  public static Node object(Object... nameNodePairs) {
    if (nameNodePairs.length % 2 != 0) {
      throw new IllegalArgumentException("expected name/node pairs");
    }
    Map<String, Node> props = new LinkedHashMap<>();
    for (int i = 0; i < nameNodePairs.length; i += 2) {
      props.put((String) nameNodePairs[i], (Node) nameNodePairs[i + 1]);
    }
    return new Node("object", props, null, null, null, null, null, false, false);
  }

  // ---------------------------------------------------------------- shared pieces (same in both CRDs)

  /** core/v1 ObjectReference as embedded by both CRDs: seven optional strings, nothing required. */
  private static Node objectReference() {
    return object(
        "apiVersion", string(),
        "fieldPath", string(),
        "kind", string(),
        "name", string(),
        "namespace", string(),
        "resourceVersion", string(),
        "uid", string());
  }

  /** meta/v1 LabelSelector as embedded by both CRDs. */
  private static Node labelSelector() {
    return object(
        "matchExpressions", array(object(
            "key", string(),
            "operator", string(),
            "values", array(string())).requiring("key", "operator")),
        "matchLabels", mapOf("string"));
  }

  /** meta/v1 Timestamp: an object of two integers, both required. NOT an RFC 3339 string. */
  private static Node timestamp() {
    return object(
        "nanos", integer("int32"),
        "seconds", integer("int64")).requiring("nanos", "seconds");
  }

  /** pass/fail/warn/error/skip counts; plain integers (no format), none required. */
  private static Node summary() {
    return object(
        "error", integer(),
        "fail", integer(),
        "pass", integer(),
        "skip", integer(),
        "warn", integer());
  }

  /** Not from the CRDs (they only say {@code type: object}): the API server treats it as ObjectMeta. */
  private static Node objectMeta() {
    return object(
        "name", string(),
        "generateName", string(),
        "namespace", string(),
        "labels", mapOf("string"),
        "annotations", mapOf("string")).preservingUnknownFields();
  }

  private static final String[] RESULT_VALUES = {"pass", "fail", "warn", "error", "skip"};

  private static Node result(String... severities) {
    return object(
        "category", string(),
        "message", string(),
        "policy", string(),
        "properties", mapOf("string"),
        "resourceSelector", labelSelector(),
        "resources", array(objectReference()),
        "result", stringEnum(RESULT_VALUES),
        "rule", string(),
        "scored", bool(),
        "severity", stringEnum(severities),
        "source", string(),
        "timestamp", timestamp()).requiring("policy");
  }

  // ---------------------------------------------------------------- the two schemas

  /**
   * {@code wgpolicyk8s.io/v1alpha2 PolicyReport}. Root has no required fields; the only required
   * things are {@code results[].policy}, {@code results[].timestamp.{seconds,nanos}} (when timestamp
   * is present) and {@code key}/{@code operator} of selector expressions. There is no top-level
   * {@code source}: it lives only in {@code results[]}.
   */
  public static final Node POLICY_REPORT_V1ALPHA2 = object(
      "apiVersion", string(),
      "kind", string(),
      "metadata", objectMeta(),
      "results", array(result("critical", "high", "low", "medium", "info")),
      "scope", objectReference(),
      "scopeSelector", labelSelector(),
      "summary", summary());

  /**
   * {@code openreports.io/v1alpha1 Report}. Same shape as PolicyReport v1alpha2 plus a top-level
   * {@code source} string and an optional {@code configuration} object (which, when present,
   * requires {@code limits}).
   */
  public static final Node OPENREPORTS_REPORT_V1ALPHA1 = object(
      "apiVersion", string(),
      "configuration", object(
          "limits", object(
              "maxResults", integer(),
              "statusFilter", array(stringEnum(RESULT_VALUES)))).requiring("limits"),
      "kind", string(),
      "metadata", objectMeta(),
      "results", array(result("critical", "high", "low", "medium", "info")),
      "scope", objectReference(),
      "scopeSelector", labelSelector(),
      "source", string(),
      "summary", summary());

  // ---------------------------------------------------------------- validator

  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  /**
   * Every way {@code value} departs from {@code schema}, as {@code "<path>: <problem>"} lines in
   * document order, with {@code $} as the root path. Empty means the API server would store the
   * object unchanged (nothing pruned, nothing rejected).
   *
   * <p>Messages:
   * <ul>
   *   <li>{@code $.a.b: unknown field (the API server would prune it)}
   *   <li>{@code $.a: expected string but was integer}
   *   <li>{@code $.a: expected integer but was number 1.5}
   *   <li>{@code $.a: value "x" is not one of [p, q]}
   *   <li>{@code $.a: missing required field "f"}
   *   <li>{@code $.a: 5000000000 is out of range for format int32}
   *   <li>{@code $.a: "x" is not a valid date-time}
   * </ul>
   * A JSON {@code null} is reported as a wrong type (neither CRD declares anything nullable).
   */
  public static List<String> violations(Node schema, JsonNode value) {
    List<String> out = new ArrayList<>();
    check(schema, value, "$", out);
    return out;
  }

  private static void check(Node schema, JsonNode value, String path, List<String> out) {
    if (schema.intOrString()) {
      if (!(value.isTextual() || value.isIntegralNumber())) {
        out.add(path + ": expected int-or-string but was " + describe(value));
      }
      return;
    }
    switch (schema.type()) {
      case "object" -> checkObject(schema, value, path, out);
      case "array" -> {
        if (!value.isArray()) {
          out.add(wrongType(path, "array", value));
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          if (schema.items() != null) {
            check(schema.items(), value.get(i), path + "[" + i + "]", out);
          }
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          out.add(wrongType(path, "string", value));
          return;
        }
        String text = value.textValue();
        if (!schema.enumValues().isEmpty() && !schema.enumValues().contains(text)) {
          out.add(path + ": value \"" + text + "\" is not one of " + schema.enumValues());
        }
        if ("date-time".equals(schema.format()) && !isDateTime(text)) {
          out.add(path + ": \"" + text + "\" is not a valid date-time");
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          out.add(value.isNumber()
              ? path + ": expected integer but was number " + value.asText()
              : wrongType(path, "integer", value));
          return;
        }
        boolean fits = "int32".equals(schema.format()) ? value.canConvertToInt() : value.canConvertToLong();
        if (!fits) {
          out.add(path + ": " + value.asText() + " is out of range for format "
              + ("int32".equals(schema.format()) ? "int32" : "int64"));
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          out.add(wrongType(path, "number", value));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          out.add(wrongType(path, "boolean", value));
        }
      }
      default -> throw new IllegalArgumentException("unsupported schema type " + schema.type() + " at " + path);
    }
  }

  private static void checkObject(Node schema, JsonNode value, String path, List<String> out) {
    if (!value.isObject()) {
      out.add(wrongType(path, "object", value));
      return;
    }
    for (String name : schema.required()) {
      if (!value.has(name)) {
        out.add(path + ": missing required field \"" + name + "\"");
      }
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String childPath = child(path, field.getKey());
      Node known = schema.properties().get(field.getKey());
      if (known != null) {
        check(known, field.getValue(), childPath, out);
      } else if (schema.additionalPropertiesType() != null) {
        check(new Node(schema.additionalPropertiesType(), null, null, null, null, null, null, false, false),
            field.getValue(), childPath, out);
      } else if (!schema.preserveUnknownFields()) {
        out.add(childPath + ": unknown field (the API server would prune it)");
      }
    }
  }

  private static boolean isDateTime(String text) {
    try {
      OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String wrongType(String path, String expected, JsonNode value) {
    return path + ": expected " + expected + " but was " + describe(value);
  }

  private static String describe(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static String child(String path, String key) {
    return SIMPLE_KEY.matcher(key).matches() ? path + "." + key : path + "[\"" + key + "\"]";
  }
}
