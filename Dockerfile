# syntax=docker/dockerfile:1
# Tally container image: one jar, run as a non-root user. Built by `docker compose build` or
#   docker build -t tally:local .
# The same image runs every role: choose with TALLY_ROLES=api | worker | api,worker (default).
# Without SPRING_DATASOURCE_URL it uses the embedded H2 store under /app/data (mount a volume
# there to keep it); see docs/deployment.md.

# ---- build: the Maven wrapper on a JDK -------------------------------------------------------
FROM eclipse-temurin:25-jdk-noble AS build
WORKDIR /build
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
# The Maven repository (and the wrapper's Maven) live in a BuildKit cache, not in a layer.
# Tests are not run here: they need PostgreSQL and RabbitMQ (run them with .ci/run).
RUN --mount=type=cache,target=/root/.m2 \
    chmod +x mvnw \
 && ./mvnw -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/tally.jar extract --layers --launcher --destination /layers

# ---- run: a JRE only ---------------------------------------------------------------------------
FROM eclipse-temurin:25-jre-noble
# curl is installed for the HEALTHCHECK (the JRE image is not guaranteed to ship curl or wget).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tally \
 && useradd --system --uid 10001 --gid tally --home-dir /app --no-create-home --shell /usr/sbin/nologin tally \
 && mkdir -p /app/data \
 && chown tally:tally /app/data
WORKDIR /app
# Spring Boot layers, least to most often changed, so a code change rebuilds only the last one.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./

# Listen on all interfaces inside the container (Tally's own default is 127.0.0.1).
# Heap sized from the container's memory limit; die on OOM so the orchestrator restarts it.
ENV SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER tally:tally
EXPOSE 8080
# Liveness: the process is up and not broken. (docker-compose.yml uses readiness for the api
# service, so nginx starts only once the API nodes can serve.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SERVER_PORT}/actuator/health/liveness" || exit 1
# Exec form: java is PID 1 and receives SIGTERM itself (graceful shutdown).
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
