package dev.tally.text;

import static dev.tally.text.WordCounts.asMap;
import static dev.tally.text.WordCounts.countChunks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.CharBuffer;
import java.text.Normalizer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WordCounterTest {

    @Test
    void countsDontAsOneWord() {
        assertThat(countChunks("Don't stop, don't.")).containsOnly(entry("don't", 2L), entry("stop", 1L));
    }

    @Test
    void splitsWellKnownIntoTwoWords() {
        assertThat(countChunks("a well-known fact")).containsOnlyKeys("a", "well", "known", "fact");
    }

    @Test
    void treatsCurlyApostropheAsStraight() {
        assertThat(countChunks("don\u2019t don't o\u2019clock"))
                .containsOnly(entry("don't", 2L), entry("o'clock", 1L));
    }

    @Test
    void dropsLeadingAndTrailingApostrophes() {
        assertThat(countChunks("'quoted' \u2019tis the dogs' bone''"))
                .containsOnlyKeys("quoted", "tis", "the", "dogs", "bone");
    }

    @Test
    void keepsRunsOfApostrophesBetweenWordCharacters() {
        assertThat(countChunks("rock''n roll, rock'\u2019n")).containsOnly(entry("rock''n", 2L), entry("roll", 1L));
    }

    @Test
    void countsNumbersAndMixedAlphanumericsAsWords() {
        assertThat(countChunks("n4t3 in 2024: pi is 3.14"))
                .containsOnlyKeys("n4t3", "in", "2024", "pi", "is", "3", "14");
    }

    @Test
    void keepsConnectorPunctuationInsideWords() {
        assertThat(countChunks("_snake_case_ and a\u203Fb")).containsOnlyKeys("_snake_case_", "and", "a\u203Fb");
    }

    @Test
    void separatesOnDigitsThatAreNotDecimal() {
        assertThat(countChunks("x\u00B2y \u216B")).as("superscript two and roman numeral twelve").containsOnlyKeys("x", "y");
    }

    @Test
    void lowerCasesWords() {
        assertThat(countChunks("The THE the tHe")).containsOnly(entry("the", 4L));
    }

    @Test
    void countsNfdAndNfcAsSameWord() {
        String nfc = "caf\u00E9";
        String nfd = "cafe\u0301";

        assertThat(countChunks(nfc + " " + nfd + " CAFE\u0301")).containsOnly(entry("caf\u00E9", 3L));
    }

    @Test
    void keepsCombiningMarksWithoutPrecomposedFormInTheWord() {
        assertThat(countChunks("q\u0303 x\u20DD")).as("q with tilde, x in an enclosing circle")
                .containsOnlyKeys("q\u0303", "x\u20DD");
    }

    @Test
    void countsGreekWithFinalSigma() {
        assertThat(countChunks("ΟΔΟΣ Καλημέρα κόσμε")).containsOnlyKeys("οδος", "καλημέρα", "κόσμε");
    }

    @Test
    void countsCyrillicWords() {
        assertThat(countChunks("Привет, мир! ПРИВЕТ")).containsOnly(entry("привет", 2L), entry("мир", 1L));
    }

    @Test
    void keepsArabicDiacriticsInsideWords() {
        assertThat(countChunks("كَتَبَ مرحبا بالعالم")).containsOnlyKeys("كَتَبَ", "مرحبا", "بالعالم");
    }

    @Test
    void countsUnspacedCjkRunsAsOneWordAndSplitsOnCjkPunctuation() {
        assertThat(countChunks("日本語のテキスト 中文，标点。"))
                .containsOnlyKeys("日本語のテキスト", "中文", "标点");
    }

    @Test
    void keepsDevanagariVowelSignsInsideWords() {
        assertThat(countChunks("नमस्ते दुनिया")).containsOnlyKeys("नमस्ते", "दुनिया");
    }

    @Test
    void lowerCasesTurkishDottedCapitalILocaleIndependently() {
        Locale original = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr"));
        try {
            assertThat(countChunks("İstanbul ISTANBUL")).containsOnlyKeys("i\u0307stanbul", "istanbul");
        } finally {
            Locale.setDefault(original);
        }
    }

    @Test
    void countsSupplementaryLettersAsWordCharacters() {
        String mathBoldAb = "\uD835\uDC00\uD835\uDC01"; // U+1D400 U+1D401, uppercase letters with no lower case
        String extensionB = "a\uD840\uDC00b"; // U+20000, a CJK Extension B ideograph

        assertThat(countChunks(mathBoldAb + " " + extensionB)).containsOnlyKeys(mathBoldAb, extensionB);
    }

    @Test
    void lowerCasesSupplementaryLetters() {
        String deseretCapitalLongI = "\uD801\uDC00"; // U+10400, lower case U+10428

        assertThat(countChunks(deseretCapitalLongI + "x")).containsOnlyKeys("\uD801\uDC28x");
    }

    @Test
    void separatesOnSupplementarySymbols() {
        assertThat(countChunks("fun\uD83D\uDE00time")).as("an emoji is a symbol").containsOnlyKeys("fun", "time");
    }

    @Test
    void treatsReplacementCharacterAsSeparator() {
        assertThat(countChunks("caf\uFFFD au lait")).containsOnlyKeys("caf", "au", "lait");
    }

    @Test
    void treatsLoneSurrogatesAsSeparators() {
        assertThat(countChunks("ab\uD800cd ef\uDC00gh ij\uD835")).containsOnlyKeys("ab", "cd", "ef", "gh", "ij");
    }

    @Test
    void separatesOnWhitespacePunctuationAndSymbols() {
        assertThat(countChunks("one\u00A0two\tthree\nfour/five+six@seven \u00ABeight\u00BB"))
                .containsOnlyKeys("one", "two", "three", "four", "five", "six", "seven", "eight");
    }

    @Test
    void continuesWordsAcrossChunks() {
        assertThat(countChunks("hel", "lo wor", "ld")).containsOnlyKeys("hello", "world");
    }

    @Test
    void keepsApostrophesAndSurrogatePairsSplitAcrossChunks() {
        assertThat(countChunks("don", "\u2019", "t a\uD835", "\uDC00b")).containsOnlyKeys("don't", "a\uD835\uDC00b");
    }

    @Test
    void readsAnyKindOfCharSequence() {
        WordCounter counter = new WordCounter();
        counter.accept(new StringBuilder("one two "));
        counter.accept(CharBuffer.wrap("xxthree four".toCharArray(), 2, 10).slice());
        counter.accept(CharBuffer.wrap(" five"));

        assertThat(asMap(counter.toHistogram())).containsOnlyKeys("one", "two", "three", "four", "five");
    }

    @Test
    void boundaryEndsTheCurrentWord() {
        WordCounter counter = new WordCounter();
        counter.accept("foo");
        counter.boundary();
        counter.accept("bar");

        assertThat(asMap(counter.toHistogram())).containsOnlyKeys("foo", "bar");
    }

    @Test
    void boundaryDropsAnApostropheThatEndedTheWord() {
        WordCounter counter = new WordCounter();
        counter.accept("rock'");
        counter.boundary();
        counter.accept("n");

        assertThat(asMap(counter.toHistogram())).containsOnlyKeys("rock", "n");
    }

    @Test
    void countsNothingInTextWithoutWords() {
        assertThat(countChunks("")).isEmpty();
        assertThat(countChunks(" -- ''' \u2019 ... !?")).isEmpty();
    }

    @Test
    void countsVeryLongWords() {
        String longWord = "a".repeat(100_000);

        assertThat(countChunks(longWord, " ", longWord)).containsOnly(entry(longWord, 2L));
    }

    @Test
    void countsManyDistinctWords() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append("w").append(i).append(' ');
        }
        WordCounter counter = new WordCounter();
        counter.accept(text);
        counter.accept(text);

        Histogram histogram = counter.toHistogram();

        assertThat(histogram.distinctWords()).isEqualTo(100_000);
        assertThat(histogram.totalWords()).isEqualTo(200_000);
        assertThat(histogram.top(2)).containsExactly(new WordCount("w0", 2), new WordCount("w1", 2));
    }

    @Test
    void latinFastPathAgreesWithNormalizingAndLowerCasing() {
        for (char a = 0; a < WordCharacters.FAST_PATH_LIMIT; a++) {
            char lower = WordCharacters.fastLowerCase(a);
            if (lower != 0) {
                assertThat(String.valueOf(lower)).isEqualTo(String.valueOf(a).toLowerCase(Locale.ROOT));
            }
            for (char b = 0; b < WordCharacters.FAST_PATH_LIMIT; b++) {
                String pair = new String(new char[] {a, b});
                if (!Normalizer.isNormalized(pair, Normalizer.Form.NFC)) {
                    throw new AssertionError("not NFC: U+" + Integer.toHexString(a) + " U+" + Integer.toHexString(b));
                }
            }
        }
    }

    @Test
    void matchesTheOriginalRegexOnAsciiText() {
        String sample = """
                It's 10 o'clock -- the 'quick' brown fox (a.k.a. "Mr_Fox") jumped over 2 lazy dogs'
                kennels; well-known fact: rock''n'roll isn't dead!! E-mail me@example.com, ok? __init__
                """;
        Random random = new Random(2024);
        String alphabet = "aabcdeeeXYZ019_''''   \t\n-.,;:!?\"()/";
        StringBuilder text = new StringBuilder(sample);
        for (int i = 0; i < 200_000; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }

        assertThat(countChunks(text.toString())).isEqualTo(countByOriginalRegex(text.toString()));
    }

    private static Map<String, Long> countByOriginalRegex(String text) {
        Map<String, Long> counts = new HashMap<>();
        Matcher matcher = Pattern.compile("\\w[\\w']*\\w|\\w").matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            counts.merge(matcher.group(), 1L, Long::sum);
        }
        return counts;
    }
}
