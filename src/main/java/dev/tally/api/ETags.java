package dev.tally.api;

import dev.tally.job.Job;

/** Strong ETags of job representations, and {@code If-None-Match} matching (RFC 9110 weak comparison). */
final class ETags {

    private ETags() {
    }

    /** Changes whenever the representation changes: the job's version and the {@code top} asked for. */
    static String of(Job job, int top) {
        return "\"" + job.version() + "-" + top + "\"";
    }

    static boolean matches(String ifNoneMatch, String etag) {
        String wanted = opaque(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || opaque(tag).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
