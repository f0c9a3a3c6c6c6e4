package dev.tally.text;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * The character encoding of a fetched body, chosen as the contract orders it: a byte-order mark
 * wins, then the {@code Content-Type} header's charset, then (for HTML) {@code <meta charset>} or
 * {@code <meta http-equiv="Content-Type">}, else UTF-8. Unknown or illegal charset names are
 * skipped rather than failing the job, and decoding replaces invalid bytes with U+FFFD.
 *
 * <p>Labels are resolved as browsers do where Java differs (WHATWG Encoding Standard): pages
 * labelled ISO-8859-1 or US-ASCII are decoded as windows-1252, and a bare "UTF-16" means little
 * endian, so counts match what a reader sees on screen.
 *
 * @param charset the encoding to decode with
 * @param bomLength how many leading bytes are a byte-order mark, to be skipped
 */
record BodyCharset(Charset charset, int bomLength) {

    /**
     * How many leading bytes are searched for a meta charset. The HTML standard's prescan looks
     * at 1024; more is tolerated because, unlike a browser, we cannot reload on a late one.
     */
    static final int META_PRESCAN_BYTES = 8192;

    private static final int DECODE_CHUNK_CHARS = 8192;
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Chooses the encoding of {@code body}, read as {@code type}, with the header's charset. */
    static BodyCharset detect(byte[] body, DocumentType type, String declaredCharset) {
        BodyCharset byByteOrderMark = fromByteOrderMark(body);
        if (byByteOrderMark != null) {
            return byByteOrderMark;
        }
        Charset declared = resolve(declaredCharset);
        if (declared != null) {
            return new BodyCharset(declared, 0);
        }
        if (type == DocumentType.HTML) {
            Charset meta = fromMetaElements(body);
            if (meta != null) {
                return new BodyCharset(meta, 0);
            }
        }
        return new BodyCharset(StandardCharsets.UTF_8, 0);
    }

    /** A decoder that turns malformed and unmappable input into U+FFFD instead of failing. */
    CharsetDecoder newDecoder() {
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    /**
     * Decodes {@code body} into one String, byte-order mark skipped; invalid input becomes U+FFFD
     * as with {@link #newDecoder()}. One bulk decode is several times faster than a decoding
     * Reader, which matters for HTML, whose parser needs the whole text anyway.
     */
    String decode(byte[] body) {
        return new String(body, bomLength, body.length - bomLength, charset);
    }

    /** Decodes {@code body} chunk by chunk into {@code counter}, without building one big String. */
    void decodeInto(byte[] body, WordCounter counter) {
        if (charset.equals(StandardCharsets.UTF_8)) {
            // The counter decodes UTF-8 itself, replacing malformed input as the decoder would.
            counter.acceptUtf8(body, bomLength, body.length - bomLength);
            return;
        }
        CharsetDecoder decoder = newDecoder();
        ByteBuffer in = ByteBuffer.wrap(body, bomLength, body.length - bomLength);
        CharBuffer out = CharBuffer.allocate(DECODE_CHUNK_CHARS);
        CoderResult result;
        do {
            result = decoder.decode(in, out, true);
            drain(out, counter);
        } while (result.isOverflow());
        do {
            result = decoder.flush(out);
            drain(out, counter);
        } while (result.isOverflow());
    }

    private static void drain(CharBuffer out, WordCounter counter) {
        out.flip();
        counter.accept(out.array(), out.arrayOffset() + out.position(), out.remaining());
        out.clear();
    }

    private static BodyCharset fromByteOrderMark(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            return new BodyCharset(StandardCharsets.UTF_8, 3);
        }
        if (body.length >= 2 && (body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF) {
            return new BodyCharset(StandardCharsets.UTF_16BE, 2);
        }
        if (body.length >= 2 && (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE) {
            return new BodyCharset(StandardCharsets.UTF_16LE, 2);
        }
        return null;
    }

    /**
     * Finds the first meta element in the start of the page that names a supported charset. The
     * bytes are read as ISO-8859-1, which maps every byte to a char, so the ASCII markup survives
     * whatever the real encoding is.
     *
     * <p>Most pages name their charset in their first hundred bytes, so the start is parsed up to
     * the end of each {@code <meta} tag in turn rather than whole: a prefix of a page parses into
     * what the whole page parses into, up to its last complete tag. A tag whose {@code >} was
     * inside a quoted value is incomplete in its prefix, so it is found by a longer one, or by the
     * parse of the whole start, which is the last resort when prefixes found nothing.
     */
    static Charset fromMetaElements(byte[] body) {
        String start = new String(body, 0, Math.min(body.length, META_PRESCAN_BYTES), StandardCharsets.ISO_8859_1);
        int meta = indexOfMetaTag(start, 0);
        if (meta < 0) {
            // No meta element can come out of markup without a "<meta" in it.
            return null;
        }
        while (meta >= 0) {
            int end = start.indexOf('>', meta);
            if (end < 0) {
                break;
            }
            Charset charset = firstMetaCharset(start.substring(0, end + 1));
            if (charset != null) {
                return charset;
            }
            meta = indexOfMetaTag(start, end + 1);
        }
        return firstMetaCharset(start);
    }

    /** Where the next {@code <meta} (in any case) starts at or after {@code from}, or -1. */
    private static int indexOfMetaTag(String markup, int from) {
        for (int at = markup.indexOf('<', from); at >= 0; at = markup.indexOf('<', at + 1)) {
            if (markup.regionMatches(true, at + 1, "meta", 0, 4)) {
                return at;
            }
        }
        return -1;
    }

    /**
     * The charset named by the first meta element of {@code markup} that names a supported one.
     * A walk that stops there, not {@code getElementsByTag}: jsoup's collector allocates a large
     * array per call, which cost more than parsing the few hundred bytes it searched.
     */
    static Charset firstMetaCharset(String markup) {
        Charset[] found = new Charset[1];
        NodeTraversor.filter(new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
                if (node instanceof Element meta && meta.nameIs("meta")) {
                    found[0] = metaCharset(meta);
                    if (found[0] != null) {
                        return FilterResult.STOP;
                    }
                }
                return FilterResult.CONTINUE;
            }
        }, Jsoup.parse(markup));
        return found[0];
    }

    /** The supported charset {@code meta} names, or null. */
    private static Charset metaCharset(Element meta) {
        String label = null;
        if (meta.hasAttr("charset")) {
            label = meta.attr("charset");
        } else if (meta.attr("http-equiv").trim().equalsIgnoreCase("content-type")) {
            label = charsetParameter(meta.attr("content"));
        }
        Charset charset = resolve(label);
        if (charset == null) {
            return null;
        }
        // The markup was just read as ASCII, so it cannot really be UTF-16 (HTML standard).
        return charset.name().startsWith("UTF-16") ? StandardCharsets.UTF_8 : charset;
    }

    /**
     * The charset named in a {@code Content-Type} value, by the HTML standard's "extracting a
     * character encoding from a meta element" algorithm; null if there is none.
     */
    static String charsetParameter(String contentType) {
        String lower = contentType.toLowerCase(Locale.ROOT);
        int from = 0;
        while (true) {
            int at = lower.indexOf("charset", from);
            if (at < 0) {
                return null;
            }
            int i = skipWhitespace(lower, at + "charset".length());
            if (i < lower.length() && lower.charAt(i) == '=') {
                i = skipWhitespace(lower, i + 1);
                if (i >= lower.length()) {
                    return null;
                }
                char first = contentType.charAt(i);
                if (first == '"' || first == '\'') {
                    int close = contentType.indexOf(first, i + 1);
                    return close < 0 ? null : contentType.substring(i + 1, close);
                }
                int end = i;
                while (end < contentType.length() && contentType.charAt(end) != ';' && !isWhitespace(contentType.charAt(end))) {
                    end++;
                }
                return end == i ? null : contentType.substring(i, end);
            }
            from = at + "charset".length();
        }
    }

    /** The charset a label names, as a browser would read it, or null if unknown or illegal. */
    static Charset resolve(String label) {
        if (label == null) {
            return null;
        }
        String name = label.trim();
        if (name.length() >= 2 && (name.charAt(0) == '"' || name.charAt(0) == '\'')
                && name.charAt(name.length() - 1) == name.charAt(0)) {
            name = name.substring(1, name.length() - 1).trim();
        }
        if (name.isEmpty()) {
            return null;
        }
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
        if (charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII)) {
            return WINDOWS_1252;
        }
        if (charset.equals(StandardCharsets.UTF_16)) {
            return StandardCharsets.UTF_16LE;
        }
        return charset;
    }

    private static int skipWhitespace(String s, int from) {
        int i = from;
        while (i < s.length() && isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }
}
