package dev.deadlineguard.admission;

import java.util.Set;

/**
 * What a JSON Patch of {@code request.object} must know of the object as the apiserver sent it: whether it has a
 * {@code metadata} object, and the keys of its {@code metadata.annotations} object.
 *
 * @param hasMetadata    {@code metadata} is a JSON object
 * @param annotationKeys the keys of {@code metadata.annotations}, or {@code null} when that is not a JSON object
 */
public record ObjectShape(boolean hasMetadata, Set<String> annotationKeys) {

    /** No object, or one without metadata. */
    public static final ObjectShape NONE = new ObjectShape(false, null);

    public ObjectShape {
        if (!hasMetadata && annotationKeys != null) {
            throw new IllegalArgumentException("annotations without metadata");
        }
    }

    public boolean hasAnnotations() {
        return annotationKeys != null;
    }
}
