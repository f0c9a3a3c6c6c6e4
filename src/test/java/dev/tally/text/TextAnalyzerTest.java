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
    void countsSubmittedTextFromItsStoredUtf8AsFromTheString() {
        for (String text : List.of(
                "The cat and the hat. THE END, and that's that!",
                "Cr\u00e8me br\u00fbl\u00e9e, na\u00efve caf\u00e9; \u00c9COLE \u00e9cole. Don\u2019t don't 'quoted' rock'n'roll",
                "Cafe\u0301 and caf\u00e9 are one word; \u0130stanbul, stra\u00dfe, \u03a3\u03bf\u03c6\u03af\u03b1, \u65e5\u672c\u8a9e",
                "emoji \ud83d\ude00 between words, and a math letter \ud835\udc00 inside x\ud835\udc00y",
                "a lone surrogate \ud800 splits, as does U+FFFD \ufffd here; \ufeffleading BOM-like char",
                "word ".repeat(5_000) + "longwordlongwordlongwordlongword ".repeat(300))) {
            byte[] stored = text.getBytes(StandardCharsets.UTF_8);

            assertThat(analyzer.countUtf8(stored)).as(text.substring(0, Math.min(40, text.length())))
                    .isEqualTo(analyzer.countText(text));
        }
    }

    @Test
    void countsMalformedUtf8AsSeparators() {
        byte[] bytes = {'o', 'n', 'e', (byte) 0xC3, 't', 'w', 'o', (byte) 0xFF, 'o', 'n', 'e'};

        assertThat(analyzer.countUtf8(bytes)).isEqualTo(Histogram.of(Map.of("one", 2L, "two", 1L)));
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
