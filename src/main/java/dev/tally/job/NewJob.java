package dev.tally.job;

/**
 * A validated submission: exactly one of {@code url} and {@code text}.
 *
 * @param callbackUrl where to POST the job on its terminal state, or null
 */
public record NewJob(String url, String text, String callbackUrl) {

    public NewJob {
        if ((url == null) == (text == null)) {
            throw new IllegalArgumentException("exactly one of url and text");
        }
    }

    public static NewJob ofUrl(String url, String callbackUrl) {
        return new NewJob(url, null, callbackUrl);
    }

    public static NewJob ofText(String text, String callbackUrl) {
        return new NewJob(null, text, callbackUrl);
    }
}
