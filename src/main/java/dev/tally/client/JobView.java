package dev.tally.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** What the command line shows of a job: its representation in the jobs API, read leniently. */
record JobView(UUID id, String status, String source, Instant createdAt, int attempts, Long totalWords,
               Long distinctWords, List<Word> topWords, String error) {

    /** A word of a job's top words. */
    record Word(String word, long count) {
    }

    static JobView of(JsonNode job) {
        JsonNode source = job.path("source");
        String label = "url".equals(source.path("type").asString(""))
                ? source.path("url").asString("")
                : "text of " + source.path("length").asLong(0) + " characters";
        JsonNode result = job.path("result");
        List<Word> top = result.path("topWords").isArray()
                ? result.path("topWords").valueStream().map(w -> new Word(w.path("word").asString(""), w.path("count").asLong()))
                        .toList()
                : List.of();
        JsonNode error = job.path("error");
        String failure = error.isObject()
                ? error.path("code").asString("") + ": " + error.path("message").asString("")
                : null;
        String created = job.path("createdAt").asString(null);
        return new JobView(UUID.fromString(job.path("id").asString()), job.path("status").asString(""), label,
                created == null ? null : Instant.parse(created), job.path("attempts").asInt(0),
                result.isObject() ? result.path("totalWords").asLong() : null,
                result.isObject() ? result.path("distinctWords").asLong() : null, top, failure);
    }

    /** A job deleted while followed: it has no state any more. */
    static JobView gone(UUID id, JobView last) {
        return new JobView(id, "DELETED", last == null ? "" : last.source(), last == null ? null : last.createdAt(),
                last == null ? 0 : last.attempts(), null, null, List.of(), "the job was deleted");
    }

    boolean finished() {
        return switch (status) {
            case "SUCCEEDED", "FAILED", "CANCELLED", "DELETED" -> true;
            default -> false;
        };
    }
}
