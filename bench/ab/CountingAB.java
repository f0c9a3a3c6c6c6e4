import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Compares the counting code of two or more builds in one JVM, round by round: each round runs
 * every build's {@code TextAnalyzer.countDocument} for one second on the same document, in
 * alternating order, and the verdict is the median of the per-round ratios. On the shared VMs
 * the same JMH benchmark moves by 20-40 % between runs minutes apart; two builds measured within
 * the same second see the same neighbours, so their ratio is steady where their rates are not.
 *
 * <p>Run by {@code scripts/bench-counting-ab}; each jar is a {@code target/benchmarks.jar} (the
 * text package and jsoup), loaded by a class loader of its own.
 */
public final class CountingAB {

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CountingAB DOCUMENT PLAIN_TEXT|HTML ROUNDS JAR_A JAR_B [JAR...]");
            System.exit(2);
        }
        byte[] document = Files.readAllBytes(Path.of(args[0]));
        String type = args[1];
        int rounds = Integer.parseInt(args[2]);
        String[] jars = Arrays.copyOfRange(args, 3, args.length);
        Build[] builds = new Build[jars.length];
        for (int b = 0; b < jars.length; b++) {
            builds[b] = Build.load(jars[b], type);
        }
        double[][] rates = new double[jars.length][rounds];
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d MB/s:", r + 1));
            for (int k = 0; k < builds.length; k++) {
                int b = r % 2 == 0 ? k : builds.length - 1 - k;
                rates[b][r] = builds[b].rate(document);
            }
            for (int b = 0; b < builds.length; b++) {
                line.append(String.format(Locale.ROOT, " %7.1f", rates[b][r]));
            }
            System.out.println(line);
        }
        // The first quarter of the rounds is the JIT's warm-up.
        int from = rounds / 4;
        for (int b = 0; b < builds.length; b++) {
            System.out.printf(Locale.ROOT, "%s: median %.1f MB/s over rounds %d-%d%n", jars[b],
                    median(Arrays.copyOfRange(rates[b], from, rounds)), from + 1, rounds);
        }
        for (int b = 1; b < builds.length; b++) {
            double[] ratios = new double[rounds - from];
            for (int r = from; r < rounds; r++) {
                ratios[r - from] = rates[b][r] / rates[0][r];
            }
            Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "%s / %s: median ratio %.3f, quartiles %.3f-%.3f, range %.3f-%.3f%n",
                    jars[b], jars[0], median(ratios), ratios[ratios.length / 4], ratios[3 * ratios.length / 4],
                    ratios[0], ratios[ratios.length - 1]);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One build's analyzer, called reflectively through its own class loader. */
    private record Build(Object analyzer, Method countDocument, Object type) {

        static Build load(String jar, String typeName) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> analyzerClass = loader.loadClass("dev.tally.text.TextAnalyzer");
            Class<?> typeClass = loader.loadClass("dev.tally.text.DocumentType");
            Object type = Arrays.stream(typeClass.getEnumConstants())
                    .filter(constant -> constant.toString().equals(typeName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no document type " + typeName));
            return new Build(analyzerClass.getConstructor().newInstance(),
                    analyzerClass.getMethod("countDocument", byte[].class, typeClass, String.class), type);
        }

        /** Counts the document for about a second; MB (10^6 bytes) per second. */
        double rate(byte[] document) throws Exception {
            long start = System.nanoTime();
            long bytes = 0;
            long elapsed;
            do {
                if (countDocument.invoke(analyzer, document, type, "UTF-8") == null) {
                    throw new AssertionError("no histogram");
                }
                bytes += document.length;
                elapsed = System.nanoTime() - start;
            } while (elapsed < 1_000_000_000L);
            return bytes / (elapsed / 1e9) / 1e6;
        }
    }
}
