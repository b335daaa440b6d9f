package dev.deadlineguard.logging;

/** How log events are written to standard error. */
public enum LogFormat {
    /** One readable line per event: {@code 2024-08-01T15:13:36.123+0000 [INFO] Sweeper - message}. */
    TEXT,
    /** One JSON object per line; SLF4J key-value pairs ({@code namespace}, {@code replicaset}, ...) are top-level fields. */
    JSON
}
