package dev.tally.job;

import dev.tally.correlation.Origin;

/**
 * A validated submission: exactly one of {@code url} and {@code text}.
 *
 * @param callbackUrl where to POST the job on its terminal state, or null
 * @param owner the client submitting it
 * @param origin the request submitting it (its id and trace context), kept with the job for its
 *     workers' log lines and spans
 */
public record NewJob(String url, String text, String callbackUrl, String owner, Origin origin) {

    /** The owner of jobs when clients do not authenticate. */
    public static final String ANONYMOUS = "anonymous";

    public NewJob {
        if ((url == null) == (text == null)) {
            throw new IllegalArgumentException("exactly one of url and text");
        }
        if (owner == null || owner.isBlank()) {
            owner = ANONYMOUS;
        }
        if (origin == null) {
            origin = Origin.NONE;
        }
    }

    /** The same submission on behalf of {@code client}. */
    public NewJob ownedBy(String client) {
        return new NewJob(url, text, callbackUrl, client, origin);
    }

    /** The same submission, made by the request {@code from}. */
    public NewJob submittedBy(Origin from) {
        return new NewJob(url, text, callbackUrl, owner, from);
    }

    /**
     * A digest of the request's meaning, to tell a repeated request from a different one (the
     * origin is not part of it: a retry is another request).
     */
    public String fingerprint() {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {url, text, callbackUrl}) {
                if (part == null) {
                    digest.update((byte) 0);
                } else {
                    digest.update((byte) 1);
                    byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    digest.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
                    digest.update(bytes);
                }
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static NewJob ofUrl(String url, String callbackUrl) {
        return new NewJob(url, null, callbackUrl, ANONYMOUS, Origin.NONE);
    }

    public static NewJob ofText(String text, String callbackUrl) {
        return new NewJob(null, text, callbackUrl, ANONYMOUS, Origin.NONE);
    }
}
