package dev.tally.text;

import java.util.Locale;

/**
 * Which characters make up words (contract section 2): Unicode letters, combining marks, decimal
 * digits and connector punctuation. Apostrophes are handled by {@link WordCounter}, since they
 * only belong to a word between two word characters.
 */
final class WordCharacters {

    /**
     * Characters below this are never changed by NFC, alone or next to each other (combining marks
     * start at U+0300), so words made only of them skip normalization.
     */
    static final char FAST_PATH_LIMIT = '\u0300';

    /**
     * The lower case of each word character below {@link #FAST_PATH_LIMIT}, 0 for everything
     * else. U+0130 (İ) is 0 too: locale-independent lower-casing turns it into two chars, so it
     * takes the slow path. Read directly by {@link WordCounter}'s scanning loops; never written
     * after class initialization.
     */
    static final char[] FAST_LOWER = new char[FAST_PATH_LIMIT];

    /** One bit per BMP char: set for word characters, for a branch-free lookup on the hot path. */
    private static final long[] BMP_WORD_BITS = new long[(Character.MAX_VALUE + 1) / Long.SIZE];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            if (!Character.isSurrogate((char) c) && isWordCodePoint(c)) {
                BMP_WORD_BITS[c >>> 6] |= 1L << c;
            }
        }
        for (char c = 0; c < FAST_PATH_LIMIT; c++) {
            if (isWordChar(c) && String.valueOf(c).toLowerCase(Locale.ROOT).length() == 1) {
                FAST_LOWER[c] = Character.toLowerCase(c);
            }
        }
    }

    private WordCharacters() {
    }

    /**
     * The lower case of {@code c} if it is a word character that needs neither normalization nor
     * special lower-casing, else 0.
     */
    static char fastLowerCase(char c) {
        return c < FAST_PATH_LIMIT ? FAST_LOWER[c] : 0;
    }

    /** Whether the BMP char {@code c} is a word character; surrogates never are on their own. */
    static boolean isWordChar(char c) {
        return (BMP_WORD_BITS[c >>> 6] & (1L << c)) != 0;
    }

    /** Whether {@code codePoint} is a word character, for supplementary code points. */
    static boolean isWordCodePoint(int codePoint) {
        switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
            case Character.NON_SPACING_MARK:
            case Character.COMBINING_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.CONNECTOR_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    /** Whether {@code c} is an apostrophe: U+0027 or U+2019 (right single quotation mark). */
    static boolean isApostrophe(char c) {
        return c == '\'' || c == '\u2019';
    }
}
