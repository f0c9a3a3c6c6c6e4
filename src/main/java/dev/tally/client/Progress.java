package dev.tally.client;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Shows how the followed jobs are doing without flooding the terminal. On a terminal, a frame of a
 * few lines is drawn again in place at every refresh (counts by status, a bar, the latest changes),
 * however many jobs there are. Elsewhere (a pipe, a file, CI) each job gets one line, when it
 * finishes, and nothing is drawn again.
 */
abstract sealed class Progress permits Progress.Frame, Progress.Lines {

    /** Shown when the jobs changed, and at every refresh (the frame's clock moves). */
    abstract void refreshed(FollowedJobs jobs, List<JobView> changed, Duration elapsed, String trouble);

    /** The last word: every job finished, or following stopped. */
    abstract void finished(FollowedJobs jobs, Duration elapsed);

    /** @param width the terminal's columns: a longer line would wrap and the frame drift down the screen */
    static Progress frame(PrintWriter out, int width) {
        return new Frame(out, width);
    }

    static Progress lines(PrintWriter out) {
        return new Lines(out);
    }

    /** One line for a finished job: status, id, source, and its words or its error. */
    static String line(JobView job) {
        String outcome = job.totalWords() != null
                ? String.format(Locale.ROOT, "%,d words, %,d distinct", job.totalWords(), job.distinctWords())
                : job.error() != null ? job.error() : "";
        return String.format(Locale.ROOT, "%-9s %s  %s", job.status(), job.id(),
                job.source().isEmpty() ? outcome : job.source() + "  " + outcome).stripTrailing();
    }

    static String summary(FollowedJobs jobs, Duration elapsed) {
        long[] counts = new long[6];
        for (JobView job : jobs.all()) {
            counts[switch (job.status()) {
                case "QUEUED" -> 0;
                case "RUNNING" -> 1;
                case "SUCCEEDED" -> 2;
                case "FAILED" -> 3;
                case "CANCELLED" -> 4;
                default -> 5;
            }]++;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%,d %s: %,d queued, %,d running, %,d succeeded, %,d failed",
                jobs.size(), jobs.size() == 1 ? "job" : "jobs", counts[0], counts[1], counts[2], counts[3]));
        if (counts[4] > 0) {
            s.append(String.format(Locale.ROOT, ", %,d cancelled", counts[4]));
        }
        if (counts[5] > 0) {
            s.append(String.format(Locale.ROOT, ", %,d deleted", counts[5]));
        }
        return s.append(String.format(Locale.ROOT, " (%.1f s)", elapsed.toMillis() / 1000.0)).toString();
    }

    /** The terminal's frame, drawn again in place. */
    static final class Frame extends Progress {

        static final int LATEST = 5;
        private static final int BAR = 40;
        private final PrintWriter out;
        private final int width;
        private final Deque<JobView> latest = new ArrayDeque<>();
        private int drawn;

        Frame(PrintWriter out, int width) {
            this.out = out;
            this.width = Math.max(20, width);
        }

        @Override
        void refreshed(FollowedJobs jobs, List<JobView> changed, Duration elapsed, String trouble) {
            for (JobView job : changed) {
                if (job.finished()) {
                    latest.addFirst(job);
                    if (latest.size() > LATEST) {
                        latest.removeLast();
                    }
                }
            }
            draw(jobs, elapsed, trouble);
        }

        @Override
        void finished(FollowedJobs jobs, Duration elapsed) {
            draw(jobs, elapsed, null);
        }

        private void draw(FollowedJobs jobs, Duration elapsed, String trouble) {
            StringBuilder frame = new StringBuilder();
            if (drawn > 0) {
                frame.append("\033[").append(drawn).append('F'); // to the start of the frame's first line
            }
            long done = jobs.all().stream().filter(JobView::finished).count();
            int filled = jobs.size() == 0 ? BAR : (int) (BAR * done / jobs.size());
            List<String> lines = new java.util.ArrayList<>();
            lines.add(summary(jobs, elapsed));
            lines.add("[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] "
                    + (jobs.size() == 0 ? 100 : 100 * done / jobs.size()) + " %");
            latest.forEach(job -> lines.add("  " + line(job)));
            if (trouble != null) {
                lines.add("  " + trouble);
            }
            for (String line : lines) {
                // Cut to the width (less one: some terminals wrap at the last column).
                String shown = line.length() < width ? line : line.substring(0, width - 2) + "…";
                frame.append("\033[2K").append(shown).append('\n');
            }
            // Lines of a taller earlier frame are cleared, and the cursor comes back under this one.
            for (int i = lines.size(); i < drawn; i++) {
                frame.append("\033[2K\n");
            }
            if (drawn > lines.size()) {
                frame.append("\033[").append(drawn - lines.size()).append('F');
            }
            drawn = lines.size();
            out.print(frame);
            out.flush();
        }
    }

    /** One line per finished job, for output that is not a terminal. */
    static final class Lines extends Progress {

        private final PrintWriter out;
        private String lastTrouble;

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        void refreshed(FollowedJobs jobs, List<JobView> changed, Duration elapsed, String trouble) {
            changed.stream().filter(JobView::finished).forEach(job -> out.println(line(job)));
            if (trouble != null && lastTrouble == null) {
                out.println("# " + trouble); // once a spell of trouble: not at every refresh
            }
            lastTrouble = trouble;
            out.flush();
        }

        @Override
        void finished(FollowedJobs jobs, Duration elapsed) {
            out.println("# " + summary(jobs, elapsed));
            out.flush();
        }
    }
}
