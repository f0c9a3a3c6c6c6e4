package dev.tally.text;

import static dev.tally.text.WordCounts.asMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How {@link TextAnalyzer#countDocument} chooses and applies a body's character encoding. */
class CharsetTest {

    private static final byte[] UTF_8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] UTF_16LE_BOM = {(byte) 0xFF, (byte) 0xFE};
    private static final byte[] UTF_16BE_BOM = {(byte) 0xFE, (byte) 0xFF};
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private final TextAnalyzer analyzer = new TextAnalyzer();

    @Test
    void decodesUtf8WhenNothingIsDeclared() {
        byte[] page = "<p>Caf\u00E9 cr\u00E8me</p>".getBytes(StandardCharsets.UTF_8);

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("caf\u00E9", "cr\u00E8me");
    }

    @Test
    void headerCharsetLosesToByteOrderMark() {
        byte[] text = concat(UTF_8_BOM, "caf\u00E9 au lait".getBytes(StandardCharsets.UTF_8));

        assertThat(count(text, DocumentType.PLAIN_TEXT, "ISO-8859-1")).containsOnlyKeys("caf\u00E9", "au", "lait");
    }

    @Test
    void metaCharsetLosesToByteOrderMark() {
        String page = "<meta charset=\"windows-1252\"><p>\u00FCber \u041C\u043E\u0441\u043A\u0432\u0430</p>";
        byte[] body = concat(UTF_16LE_BOM, page.getBytes(StandardCharsets.UTF_16LE));

        assertThat(count(body, DocumentType.HTML, null)).containsOnlyKeys("\u00FCber", "\u043C\u043E\u0441\u043A\u0432\u0430");
    }

    @Test
    void readsBigEndianUtf16ByteOrderMark() {
        byte[] text = concat(UTF_16BE_BOM, "\u65E5\u672C \u8A9E".getBytes(StandardCharsets.UTF_16BE));

        assertThat(count(text, DocumentType.PLAIN_TEXT, null)).containsOnlyKeys("\u65E5\u672C", "\u8A9E");
    }

    @Test
    void headerCharsetWinsOverMetaCharset() {
        byte[] page = "<meta charset=\"utf-8\"><p>caf\u00E9</p>".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(count(page, DocumentType.HTML, "iso-8859-1")).containsOnlyKeys("caf\u00E9");
    }

    @Test
    void readsLatin1PageByItsMetaCharset() {
        byte[] page = """
                <html><head><meta charset="ISO-8859-1"><title>Caf\u00E9 du Monde</title></head>
                <body><p>Cr\u00E8me br\u00FBl\u00E9e, s'il vous pla\u00EEt.</p></body></html>
                """.getBytes(StandardCharsets.ISO_8859_1);

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys(
                "caf\u00E9", "du", "monde", "cr\u00E8me", "br\u00FBl\u00E9e", "s'il", "vous", "pla\u00EEt");
    }

    @Test
    void readsMetaHttpEquivContentType() {
        byte[] page = ("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">"
                + "<p>\u041F\u0440\u0438\u0432\u0435\u0442</p>").getBytes(Charset.forName("windows-1251"));

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("\u043F\u0440\u0438\u0432\u0435\u0442");
    }

    @Test
    void findsTheCharsetMetaAfterOtherMetaElements() {
        byte[] page = ("<html><head><meta name=\"viewport\" content=\"width=device-width\">"
                + "<META NAME=\"description\" CONTENT=\"greeting\"><meta charset=\"windows-1251\"></head>"
                + "<body><p>\u041F\u0440\u0438\u0432\u0435\u0442</p></body></html>").getBytes(Charset.forName("windows-1251"));

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("\u043F\u0440\u0438\u0432\u0435\u0442");
    }

    @Test
    void findsACharsetMetaWhoseQuotedValueHoldsAGreaterThanSign() {
        byte[] page = ("<meta name=\"note\" content=\"a > b\" charset=\"windows-1251\">"
                + "<p>\u041F\u0440\u0438\u0432\u0435\u0442</p>").getBytes(Charset.forName("windows-1251"));

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("\u043F\u0440\u0438\u0432\u0435\u0442");
    }

    @Test
    void ignoresAMetaElementInsideACommentOrScript() {
        byte[] page = ("<!-- <meta charset=\"windows-1251\"> --><script>var m = '<meta charset=\"koi8-r\">';</script>"
                + "<meta charset=\"iso-8859-1\"><p>caf\u00E9</p>").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("caf\u00E9");
    }

    @Test
    void findsWhatAParseOfTheWholePrescanWindowFinds() {
        String[] pieces = {
            "<meta charset=\"windows-1251\">", "<meta charset='koi8-r'>", "<META CHARSET=utf-8>", "<meta charset=\"klingon\">",
            "<meta name=\"viewport\" content=\"width=device-width\">", "<meta name=a content=\"x > y\" charset=shift_jis>",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">", "<!-- <meta charset=\"koi8-u\"> -->",
            "<script>'<meta charset=\"gb2312\">'</script>", "<textarea><meta charset=big5></textarea>", "<title>a > b</title>",
            "<meta charset='unterminated", "<!--", "-->", ">", "<", "text ", "<p>", "<meta", " charset=euc-kr>", "\"", "'",
        };
        Random random = new Random(5);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder page = new StringBuilder();
            for (int n = random.nextInt(12); n >= 0; n--) {
                page.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = page.toString().getBytes(StandardCharsets.ISO_8859_1);

            assertThat(BodyCharset.fromMetaElements(bytes)).as(page.toString())
                    .isEqualTo(BodyCharset.firstMetaCharset(page.toString()));
        }
    }

    @Test
    void readsIso88591LabelAsWindows1252LikeBrowsers() {
        byte[] text = "don\u2019t \u201Cquote\u201D".getBytes(WINDOWS_1252);

        assertThat(count(text, DocumentType.PLAIN_TEXT, "iso-8859-1")).containsOnlyKeys("don't", "quote");
    }

    @Test
    void ignoresUnknownAndIllegalHeaderCharsets() {
        byte[] page = "<meta charset=\"iso-8859-1\"><p>caf\u00E9</p>".getBytes(StandardCharsets.ISO_8859_1);

        assertThat(count(page, DocumentType.HTML, "x-no-such-charset")).containsOnlyKeys("caf\u00E9");
        assertThat(count(page, DocumentType.HTML, "!!not a name!!")).containsOnlyKeys("caf\u00E9");
        assertThat(count(page, DocumentType.HTML, "  ")).containsOnlyKeys("caf\u00E9");
    }

    @Test
    void ignoresUnknownMetaCharsetsAndFallsBackToUtf8() {
        byte[] page = "<meta charset=\"klingon\"><p>caf\u00E9</p>".getBytes(StandardCharsets.UTF_8);

        assertThat(count(page, DocumentType.HTML, null)).containsOnlyKeys("caf\u00E9");
    }

    @Test
    void acceptsQuotedHeaderCharset() {
        byte[] text = "\u0444\u0438\u0437\u0438\u043A\u0430".getBytes(Charset.forName("KOI8-R"));

        assertThat(count(text, DocumentType.PLAIN_TEXT, "\"koi8-r\"")).containsOnlyKeys("\u0444\u0438\u0437\u0438\u043A\u0430");
    }

    @Test
    void decodesMultiByteHeaderCharsets() {
        byte[] text = "\u65E5\u672C\u8A9E\u306E\u6587\u3002\u6B21".getBytes(Charset.forName("Shift_JIS"));

        assertThat(count(text, DocumentType.PLAIN_TEXT, "Shift_JIS")).containsOnlyKeys("\u65E5\u672C\u8A9E\u306E\u6587", "\u6B21");
    }

    @Test
    void plainTextIsNotSniffedForMetaCharset() {
        byte[] text = "<meta charset=\"iso-8859-1\"> caf\u00E9".getBytes(StandardCharsets.UTF_8);

        assertThat(count(text, DocumentType.PLAIN_TEXT, null)).containsKey("caf\u00E9");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacterThatSeparatesWords() {
        byte[] text = concat("caf".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xFF},
                "au lait ".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3});

        assertThat(count(text, DocumentType.PLAIN_TEXT, "utf-8")).containsOnlyKeys("caf", "au", "lait");
        assertThat(count(text, DocumentType.HTML, null)).containsOnlyKeys("caf", "au", "lait");
    }

    @Test
    void decodesLongPlainTextLikeTheSameString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("na\u00EFve \u65E5\u672C \uD835\uDC00x").append(i % 97).append(' ');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);

        assertThat(analyzer.countDocument(body, DocumentType.PLAIN_TEXT, "utf-8"))
                .isEqualTo(analyzer.countText(text));
    }

    @Test
    void countsEmptyBodyAsNoWords() {
        assertThat(count(new byte[0], DocumentType.HTML, null)).isEmpty();
        assertThat(count(UTF_8_BOM, DocumentType.PLAIN_TEXT, null)).isEmpty();
    }

    @Test
    void extractsCharsetParameterLikeTheHtmlStandard() {
        assertThat(BodyCharset.charsetParameter("text/html; charset=EUC-JP")).isEqualTo("EUC-JP");
        assertThat(BodyCharset.charsetParameter("text/html;charset = 'utf-8'")).isEqualTo("utf-8");
        assertThat(BodyCharset.charsetParameter("text/html; CHARSET=\"koi8-r\"; x=y")).isEqualTo("koi8-r");
        assertThat(BodyCharset.charsetParameter("text/html; charsetfoo; charset=gbk")).isEqualTo("gbk");
        assertThat(BodyCharset.charsetParameter("text/html")).isNull();
        assertThat(BodyCharset.charsetParameter("text/html; charset=\"unterminated")).isNull();
    }

    private Map<String, Long> count(byte[] body, DocumentType type, String declaredCharset) {
        return asMap(analyzer.countDocument(body, type, declaredCharset));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
