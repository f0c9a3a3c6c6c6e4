package dev.tally.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API keys in the job store. A key is {@code tly_<43 random base64url characters>} (256 bits);
 * only its SHA-256 is stored (a fast hash is enough for secrets of that entropy), with an 8
 * character prefix to recognise it in listings. The plain key is shown once, at creation. Its
 * times ({@code created_at}, {@code last_used_at}, {@code revoked_at}) are read from the clock it
 * is given: in the service, job time, so that nodes whose clocks disagree agree on them.
 */
public final class ApiKeyStore {

    /** What a key may do. */
    public enum Role {
        /** The API, on the key's own jobs. */
        CLIENT,
        /** That, and the actuator's protected endpoints (metrics, SBOM), which cover every client. */
        OPERATOR;

        /** As stored, and as the {@code keys} command takes and prints it. */
        String column() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role ofColumn(String value) {
            return OPERATOR.column().equals(value) ? OPERATOR : CLIENT;
        }
    }

    /** A key as listed: never its secret. */
    public record KeyInfo(UUID id, String name, String prefix, Role role, Integer rateLimitPerMinute, Instant createdAt,
                          Instant lastUsedAt, Instant revokedAt) {
    }

    /** A freshly created key, with its secret (shown once). */
    public record CreatedKey(KeyInfo info, String secret) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    /** How much of a key {@code keys list} shows and {@code keys revoke} takes: {@code tly_} and 8 more. */
    static final int PREFIX_LENGTH = 12;

    private final JdbcClient jdbc;
    private final Clock clock;

    public ApiKeyStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates a client's key. */
    public CreatedKey create(String name, Integer rateLimitPerMinute) {
        return create(name, rateLimitPerMinute, Role.CLIENT);
    }

    public CreatedKey create(String name, Integer rateLimitPerMinute, Role role) {
        if (rateLimitPerMinute != null && rateLimitPerMinute < 1) {
            throw new IllegalArgumentException("a key's rate limit must be at least 1 request per minute");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "tly_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        UUID id = UUID.randomUUID();
        Instant now = now();
        String prefix = secret.substring(0, PREFIX_LENGTH);
        jdbc.sql("INSERT INTO api_key (id, name, key_hash, key_prefix, key_role, rate_limit_per_minute, created_at)"
                        + " VALUES (:id, :name, :hash, :prefix, :role, :limit, :now)")
                .param("id", id).param("name", name).param("hash", hash(secret)).param("prefix", prefix)
                .param("role", role.column()).param("limit", rateLimitPerMinute)
                .param("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .update();
        return new CreatedKey(new KeyInfo(id, name, prefix, role, rateLimitPerMinute, now, null, null), secret);
    }

    public List<KeyInfo> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_key ORDER BY created_at").query(ApiKeyStore::keyInfo).list();
    }

    /** Revokes by id, by the key's listed prefix or by the key itself. @return whether a live key was revoked */
    public boolean revoke(String idOrPrefix) {
        Named key = named(idOrPrefix);
        return jdbc.sql("UPDATE api_key SET revoked_at = :now WHERE " + key.column() + " = :value AND revoked_at IS NULL")
                .param("now", OffsetDateTime.ofInstant(now(), ZoneOffset.UTC)).param("value", key.value()).update() > 0;
    }

    /** Gives the live key named by id, listed prefix or the key itself {@code role}. @return whether a live key was changed */
    public boolean changeRole(String idOrPrefix, Role role) {
        Named key = named(idOrPrefix);
        return jdbc.sql("UPDATE api_key SET key_role = :role WHERE " + key.column() + " = :value AND revoked_at IS NULL")
                .param("role", role.column()).param("value", key.value()).update() > 0;
    }

    /** A key as an operator names it: the column to look in, and the value. */
    private record Named(String column, String value) {
    }

    private static Named named(String idOrPrefix) {
        if (isSecret(idOrPrefix)) {
            return new Named("key_hash", hash(idOrPrefix));
        }
        return new Named(idOrPrefix.startsWith("tly_") ? "key_prefix" : "CAST(id AS VARCHAR(36))", idOrPrefix);
    }

    /** A whole key, not its listed prefix. */
    static boolean isSecret(String value) {
        return value.startsWith("tly_") && value.length() > PREFIX_LENGTH;
    }

    /** The live key with this secret, if any. */
    Optional<KeyInfo> findLive(String secret) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_key WHERE key_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash(secret)).query(ApiKeyStore::keyInfo).optional();
    }

    /** How many live keys are operators'. */
    int liveOperators() {
        return jdbc.sql("SELECT COUNT(*) FROM api_key WHERE key_role = :role AND revoked_at IS NULL")
                .param("role", Role.OPERATOR.column()).query(Integer.class).single();
    }

    /** Whether the key with this id exists and is not revoked. */
    boolean isLive(UUID id) {
        return jdbc.sql("SELECT COUNT(*) FROM api_key WHERE id = :id AND revoked_at IS NULL")
                .param("id", id).query(Integer.class).single() > 0;
    }

    /** Records that the key was used now. @return when */
    Instant touch(UUID id) {
        Instant now = now();
        jdbc.sql("UPDATE api_key SET last_used_at = :when WHERE id = :id")
                .param("when", OffsetDateTime.ofInstant(now, ZoneOffset.UTC)).param("id", id).update();
        return now;
    }

    /** Milliseconds: what both stores keep of a timestamp, so a created key lists as it was returned. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String COLUMNS =
            "id, name, key_prefix, key_role, rate_limit_per_minute, created_at, last_used_at, revoked_at";

    private static KeyInfo keyInfo(ResultSet rs, int row) throws SQLException {
        return new KeyInfo(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), Role.ofColumn(rs.getString(4)),
                rs.getObject(5, Integer.class), instant(rs.getObject(6, OffsetDateTime.class)),
                instant(rs.getObject(7, OffsetDateTime.class)), instant(rs.getObject(8, OffsetDateTime.class)));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
