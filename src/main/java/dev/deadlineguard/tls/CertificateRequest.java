package dev.deadlineguard.tls;

import java.time.Duration;
import java.util.List;

/**
 * What {@code certs} should make.
 *
 * @param subjectAltNames every SAN the serving certificate must carry
 * @param renewBefore     an existing serving certificate that expires sooner than this is reissued
 * @param force           reissue the serving certificate even when the existing one is fine
 * @param newCa           make a new CA even when a usable one exists (its bundle must then be redistributed)
 */
public record CertificateRequest(List<String> subjectAltNames, KeyType keyType, Duration validity, Duration caValidity,
                                 Duration renewBefore, boolean force, boolean newCa) {

    public CertificateRequest {
        subjectAltNames = List.copyOf(subjectAltNames);
        if (subjectAltNames.isEmpty()) {
            throw new IllegalArgumentException("at least one subject alternative name is required");
        }
        if (validity.isNegative() || validity.isZero() || caValidity.isNegative() || caValidity.isZero()) {
            throw new IllegalArgumentException("validity must be positive");
        }
    }
}
