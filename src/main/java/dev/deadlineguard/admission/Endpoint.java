package dev.deadlineguard.admission;

/** The two admission endpoints. */
public enum Endpoint {
    MUTATE("/mutate"),
    VALIDATE("/validate");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
