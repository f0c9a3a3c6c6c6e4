package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class TextAnalyzerTest {

    private final TextAnalyzer analyzer = new TextAnalyzer();

    @Test
    void countsSubmittedTextIntoAnOrderedHistogram() {
        Histogram histogram = analyzer.countText("The cat and the hat. THE END, and that's that!");

        assertThat(histogram.totalWords()).isEqualTo(10);
        assertThat(histogram.distinctWords()).isEqualTo(7);
        assertThat(histogram.top(3)).containsExactly(
                new WordCount("the", 3), new WordCount("and", 2), new WordCount("cat", 1));
    }

    @Test
    void countsTheSameWordsInPlainTextAndHtml() {
        String text = "Fish & chips: it's 2024!";
        byte[] html = ("<p>Fish &amp; <em>chips</em>: it&#39;s 2024!</p>").getBytes(StandardCharsets.UTF_8);

        assertThat(analyzer.countDocument(html, DocumentType.HTML, null)).isEqualTo(analyzer.countText(text));
    }

    @Test
    void servesConcurrentCallsIndependently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Histogram>> results = IntStream.range(0, 64)
                    .mapToObj(i -> pool.submit(() -> analyzer.countText(("word" + (i % 4) + " ").repeat(1000 + i))))
                    .toList();

            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(Histogram.of(Map.of("word" + (i % 4), 1000L + i)));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void isProvidedAsASpringBean() {
        new ApplicationContextRunner()
                .withUserConfiguration(TextConfiguration.class)
                .run(context -> assertThat(context).hasSingleBean(TextAnalyzer.class));
    }
}
