package dev.tally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tally.text.DocumentType;
import dev.tally.text.Histogram;
import dev.tally.text.TextAnalyzer;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The word counter (contract section 2) on arbitrary input: it never throws, and every histogram
 * it returns is well-formed and made of words as the contract defines them.
 */
class TextAnalyzerFuzzTest {

    /** Created lazily, not at class initialization, for the reason given in UrlPolicyFuzzTest. */
    private static final class Analyzer {
        static final TextAnalyzer INSTANCE = new TextAnalyzer();
    }

    @FuzzTest(maxDuration = "30s")
    void countText(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);

        Histogram histogram = Analyzer.INSTANCE.countText(text);

        assertWellFormed(histogram, text);
        for (int i = 0; i < histogram.distinctWords(); i++) {
            String word = histogram.word(i);
            assertThat(word).as("lower-cased word in %s", escaped(text)).isEqualTo(word.toLowerCase(Locale.ROOT));
            assertThat(Normalizer.isNormalized(word, Normalizer.Form.NFC)).as("NFC word %s in %s", escaped(word), escaped(text)).isTrue();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void countHtml(byte[] input) {
        Histogram histogram = Analyzer.INSTANCE.countDocument(input, DocumentType.HTML, null);

        String preview = escaped(new String(input, StandardCharsets.ISO_8859_1));
        assertWellFormed(histogram, preview);
        for (int i = 0; i < histogram.distinctWords(); i++) {
            assertThat(histogram.word(i)).as("markup in a word of %s", preview).doesNotContain("<", ">");
        }
        Histogram again = Analyzer.INSTANCE.countDocument(input.clone(), DocumentType.HTML, null);
        assertThat(again.top(Integer.MAX_VALUE)).as("counting %s twice", preview).isEqualTo(histogram.top(Integer.MAX_VALUE));
        assertThat(again.totalWords()).isEqualTo(histogram.totalWords());
    }

    private static void assertWellFormed(Histogram histogram, String input) {
        long sum = 0;
        Set<String> seen = new HashSet<>();
        int distinct = histogram.distinctWords();
        assertThat(distinct).isNotNegative();
        assertThat(histogram.top(Integer.MAX_VALUE)).hasSize(distinct);
        for (int i = 0; i < distinct; i++) {
            String word = histogram.word(i);
            long count = histogram.count(i);
            String where = "word %d (%s) of %s".formatted(i, escaped(word), input);
            assertThat(word).as(where).isNotEmpty();
            assertThat(count).as(where).isPositive();
            assertThat(seen.add(word)).as("duplicate " + where).isTrue();
            assertThat(word.charAt(0)).as("leading apostrophe in " + where).isNotEqualTo('\'');
            assertThat(word.charAt(word.length() - 1)).as("trailing apostrophe in " + where).isNotEqualTo('\'');
            assertThat(word).as("U+2019 is stored as ' in " + where).doesNotContain("\u2019");
            assertThat(word.codePoints().noneMatch(Character::isWhitespace)).as("whitespace in " + where).isTrue();
            if (i > 0) {
                long previous = histogram.count(i - 1);
                assertThat(count).as("count order at " + where).isLessThanOrEqualTo(previous);
                if (count == previous) {
                    assertThat(compareByCodePoint(histogram.word(i - 1), word)).as("word order at " + where).isNegative();
                }
            }
            sum += count;
        }
        assertThat(histogram.totalWords()).as("totalWords is the sum of the counts for %s", input).isEqualTo(sum);
    }

    private static int compareByCodePoint(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }

    private static String escaped(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(300).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u{%x}", c));
            }
        });
        return out.toString();
    }
}
