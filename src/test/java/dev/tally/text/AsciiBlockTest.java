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
    void readsLittleEndianBlocksAndMasksLowBytes() {
        byte[] bytes = "abcdefghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(AsciiBlock.read(bytes, 2)).isEqualTo(0x6A_69_68_67_66_65_64_63L);
        assertThat(AsciiBlock.lowBytes(1)).isEqualTo(0xFFL);
        assertThat(AsciiBlock.lowBytes(8)).isEqualTo(-1L);
    }
}
