package dev.tally.job;

/**
 * What a job counts: a web page or submitted text (the text itself is stored apart and never
 * echoed back).
 *
 * @param type {@code url} or {@code text}
 * @param url the page, for url jobs
 * @param length the text's length in Unicode code points, for text jobs
 */
public record JobSource(Type type, String url, Integer length) {

    /** The kinds of source. */
    public enum Type { URL, TEXT }

    public static JobSource url(String url) {
        return new JobSource(Type.URL, url, null);
    }

    public static JobSource text(int codePoints) {
        return new JobSource(Type.TEXT, null, codePoints);
    }
}
