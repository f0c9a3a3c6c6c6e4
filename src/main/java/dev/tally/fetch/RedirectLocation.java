package dev.tally.fetch;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code Location} header's value as the URI reference a browser would follow. Servers send
 * raw non-ASCII characters and spaces in it; browsers read its bytes as UTF-8, look up a
 * non-ASCII host by its ASCII (IDNA) form and percent-escape the rest. HttpClient reads header
 * bytes one per character (ISO-8859-1) and its URI resolution turns non-ASCII characters of an
 * absolute URI into U+FFFD, so the value is made ASCII first.
 */
final class RedirectLocation {

    /** Scheme (optional) and the authority after "//", up to the path, query or fragment. */
    private static final Pattern AUTHORITY = Pattern.compile("^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#]*)");

    /** Characters java.net.URI refuses anywhere, escaped only when the value does not parse as it is. */
    private static final String UNSAFE_ASCII = "\"<>\\^`{|}";

    private RedirectLocation() {
    }

    /**
     * @param headerValue the value as HttpClient gives it
     * @throws URISyntaxException when even escaped it is no URI reference
     */
    static URI parse(String headerValue) throws URISyntaxException {
        String ascii = escape(withAsciiHost(asUtf8(headerValue.trim())), false);
        try {
            return new URI(ascii);
        } catch (URISyntaxException e) {
            return new URI(escape(ascii, true));
        }
    }

    /** Header bytes that are valid UTF-8 were meant as UTF-8; others stay as read (ISO-8859-1). */
    static String asUtf8(String value) {
        boolean high = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff) {
                return value;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    /** A non-ASCII host name in its IDNA form; one IDNA refuses stays, to be refused as a host later. */
    static String withAsciiHost(String value) {
        Matcher authority = AUTHORITY.matcher(value);
        if (!authority.find()) {
            return value;
        }
        String text = authority.group(1);
        int hostStart = text.lastIndexOf('@') + 1;
        if (text.startsWith("[", hostStart)) {
            return value;
        }
        int colon = text.indexOf(':', hostStart);
        int hostEnd = colon < 0 ? text.length() : colon;
        String host = text.substring(hostStart, hostEnd);
        if (host.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        String asciiHost;
        try {
            asciiHost = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return value;
        }
        if (!asciiHost.chars().allMatch(RedirectLocation::isHostCharacter)) {
            // IDNA folds full-width delimiters (＠ ： ／ ［ ］) into ASCII ones, which would move the
            // authority's parts about; browsers refuse such a host, so it stays as sent, to be refused.
            return value;
        }
        int offset = authority.start(1);
        return value.substring(0, offset + hostStart) + asciiHost + value.substring(offset + hostEnd);
    }

    private static boolean isHostCharacter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    }

    /** Percent-escapes non-ASCII characters as UTF-8, and with {@code all} controls, spaces and what URI refuses. */
    private static String escape(String value, boolean all) {
        StringBuilder escaped = null;
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean escape = c >= 0x80 || (all && (c <= 0x20 || c == 0x7f || UNSAFE_ASCII.indexOf(c) >= 0));
            if (escape && escaped == null) {
                escaped = new StringBuilder(bytes.length + 16).append(new String(bytes, 0, i, StandardCharsets.US_ASCII));
            }
            if (escaped != null) {
                if (escape) {
                    escaped.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                } else {
                    escaped.append((char) c);
                }
            }
        }
        return escaped == null ? value : escaped.toString();
    }
}
