package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-once classification and lower-casing against the per-char definitions. */
class AsciiBlockTest {

    @Test
    void classifiesEveryByteValueInEveryLaneLikeTheCharacterTables() {
        for (int value = 0; value < 256; value++) {
            boolean wordChar = value < 0x80 && WordCharacters.fastLowerCase((char) value) != 0;
            for (int lane = 0; lane < Long.BYTES; lane++) {
                // The other lanes hold a word char and a non-ASCII byte, so no lane leaks into another.
                long block = 0x80_61_80_61_80_61_80_61L & ~(0xFFL << 8 * lane) | (long) value << 8 * lane;
                long nonWord = AsciiBlock.nonWordBytes(block);
                long stops = AsciiBlock.wordOrNonAsciiBytes(block);

                assertThat(nonWord >>> 8 * lane & 0xFF).as("byte %02x in lane %d", value, lane).isEqualTo(wordChar ? 0 : 0x80);
                assertThat(stops >>> 8 * lane & 0xFF).as("byte %02x in lane %d", value, lane)
                        .isEqualTo(wordChar || value >= 0x80 ? 0x80 : 0);
                assertThat(nonWord & ~(0xFFL << 8 * lane)).isEqualTo(0x80_00_80_00_80_00_80_00L & ~(0xFFL << 8 * lane));
            }
        }
    }

    @Test
    void lowerCasesAsciiLettersOnlyInEveryLane() {
        for (int value = 0; value < 256; value++) {
            int expected = value < 0x80 ? String.valueOf((char) value).toLowerCase(Locale.ROOT).charAt(0) : value;
            for (int lane = 0; lane < Long.BYTES; lane++) {
                long block = 0x5A_C1_41_DA_5A_C1_41_DAL & ~(0xFFL << 8 * lane) | (long) value << 8 * lane;
                long lowered = AsciiBlock.lower(block);

                assertThat(lowered >>> 8 * lane & 0xFF).as("byte %02x in lane %d", value, lane).isEqualTo(expected);
            }
        }
        assertThat(AsciiBlock.lower(0x5A_C1_41_DA_5A_C1_41_DAL)).isEqualTo(0x7A_C1_61_DA_7A_C1_61_DAL);
    }

    @Test
    void marksSeparatorsOfSixtyFourBytesOneBitEach() {
        for (int value = 0; value < 256; value++) {
            boolean separator = value < 0x80 && WordCharacters.fastLowerCase((char) value) == 0 && value != '\'';
            for (int position = 0; position < Long.SIZE; position++) {
                // Word chars and non-ASCII bytes around, which are never separators; padding after.
                byte[] bytes = new byte[Long.SIZE + 3 + Long.BYTES];
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = (byte) (k % 2 == 0 ? 'q' : 0xC3);
                }
                bytes[3 + position] = (byte) value;

                assertThat(AsciiBlock.separators(bytes, 3)).as("byte %02x at %d", value, position)
                        .isEqualTo(separator ? 1L << position : 0);
            }
        }
    }

    @Test
    void tellsPlainWordBlocksFromOnesWithApostrophesOrNonAscii() {
        assertThat(AsciiBlock.plainWords(block("Don_t2"), 0)).isTrue();
        assertThat(AsciiBlock.plainWords(block("internat"), block("ional"))).isTrue();
        assertThat(AsciiBlock.plainWords(block("don't"), 0)).isFalse();
        assertThat(AsciiBlock.plainWords(block("rock"), block("'n'roll"))).isFalse();
        assertThat(AsciiBlock.plainWords(block("caf\u00E9"), 0)).isFalse();
        assertThat(AsciiBlock.plainWords(block("abcdefgh"), block("\u00E9"))).isFalse();
    }

    @Test
    void tableFormRaisesBitFiveOfEveryAsciiWordCharAndComesBack() {
        for (int value = 0; value < 256; value++) {
            boolean wordChar = value < 0x80 && WordCharacters.fastLowerCase((char) value) != 0;
            for (int lane = 0; lane < Long.BYTES; lane++) {
                long block = 0x5F_C1_41_DA_7A_C1_30_DAL & ~(0xFFL << 8 * lane) | (long) value << 8 * lane;
                long form = AsciiBlock.tableForm(block) >>> 8 * lane & 0xFF;

                if (wordChar) {
                    assertThat(form).as("byte %02x in lane %d", value, lane).isEqualTo(value | 0x20);
                    assertThat(AsciiBlock.plainTableForm((long) value << 8 * lane, 0xFFL << 8 * lane) >>> 8 * lane)
                            .isEqualTo(form);
                    assertThat(AsciiBlock.fromTableForm(AsciiBlock.tableForm(block)) >>> 8 * lane & 0xFF)
                            .isEqualTo(Character.toLowerCase((char) value));
                } else {
                    assertThat(form).as("byte %02x in lane %d", value, lane).isEqualTo(value);
                }
            }
        }
        assertThat(AsciiBlock.fromTableForm(AsciiBlock.tableForm(block("A_b_C0_\u00E9")))).isEqualTo(block("a_b_c0_\u00E9"));
    }

    private static long block(String text) {
        byte[] bytes = java.util.Arrays.copyOf(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), Long.BYTES);
        return AsciiBlock.read(bytes, 0);
    }

    @Test
    void readsLittleEndianBlocksAndMasksLowBytes() {
        byte[] bytes = "abcdefghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(AsciiBlock.read(bytes, 2)).isEqualTo(0x6A_69_68_67_66_65_64_63L);
        assertThat(AsciiBlock.lowBytes(1)).isEqualTo(0xFFL);
        assertThat(AsciiBlock.lowBytes(8)).isEqualTo(-1L);
    }
}
