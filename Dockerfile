# syntax=docker/dockerfile:1
# The deadline-guard image, built from source with any OCI builder (docker build, podman, buildah, kaniko):
#   docker build -t ghcr.io/deadline-guard/deadline-guard:0.1.0 .
# It is the image Jib builds from pom.xml (mvn package jib:build): the same distroless Java 17 base, the shaded
# jar at /app/deadline-guard.jar, entrypoint `java -jar /app/deadline-guard.jar`, argument `serve`, user
# 65532:65532 and port 8443 (DockerfileTest keeps the two in step). Nothing is written inside the image at
# run time, so it runs with a read-only root filesystem; the JVM's temporary files go to /tmp (an emptyDir
# in the manifests and the chart).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY .mvn .mvn
RUN mvn -B -q dependency:go-offline
COPY src src
COPY LICENSE NOTICE ./
RUN mvn -B -q package -DskipTests

FROM gcr.io/distroless/java17-debian12:nonroot
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="deadline-guard" \
      org.opencontainers.image.description="Admission webhook and sweeper that guard Argo Rollouts scale-down deadlines" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /src/target/deadline-guard.jar /app/deadline-guard.jar
COPY --from=build /src/LICENSE /src/NOTICE /licenses/
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["java", "-jar", "/app/deadline-guard.jar"]
CMD ["serve"]
