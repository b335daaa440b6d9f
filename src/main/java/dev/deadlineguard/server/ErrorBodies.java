package dev.deadlineguard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.deadlineguard.admission.Json;
import dev.deadlineguard.admission.Messages;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON body of every HTTP error the server answers, shaped like a Kubernetes {@code Status} so
 * that the apiserver's logs and a person with curl both see what was wrong. Never a stack trace.
 */
public final class ErrorBodies {

    private ErrorBodies() {
    }

    public static byte[] status(int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "Status");
        body.put("apiVersion", "v1");
        body.put("status", "Failure");
        body.put("message", Messages.clip(message, 1024));
        body.put("reason", reason(code));
        body.put("code", code);
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    static String reason(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 408 -> "Timeout";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> code >= 500 ? "InternalError" : "BadRequest";
        };
    }
}
