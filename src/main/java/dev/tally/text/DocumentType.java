package dev.tally.text;

import java.util.Locale;
import java.util.Optional;

/** How a fetched body is read: as HTML (what a reader sees) or as plain text. */
public enum DocumentType {
    HTML,
    PLAIN_TEXT;

    /**
     * Maps a {@code Content-Type} header value to a document type, per the contract:
     * {@code text/html} and {@code application/xhtml+xml} are HTML, any other {@code text/*} is
     * plain text, anything else (or a missing/blank header) is unsupported.
     *
     * <p>Matching is case-insensitive, tolerates surrounding whitespace and ignores parameters such
     * as {@code charset}. A value that is not a well-formed {@code type/subtype} is unsupported.
     *
     * @param contentType the raw header value, parameters allowed, may be null
     */
    public static Optional<DocumentType> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        int parametersStart = contentType.indexOf(';');
        String mediaType = (parametersStart < 0 ? contentType : contentType.substring(0, parametersStart))
                .trim()
                .toLowerCase(Locale.ROOT);
        int slash = mediaType.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String type = mediaType.substring(0, slash);
        String subtype = mediaType.substring(slash + 1);
        if (!isToken(type) || !isToken(subtype)) {
            return Optional.empty();
        }
        if (type.equals("text")) {
            return Optional.of(subtype.equals("html") ? HTML : PLAIN_TEXT);
        }
        if (type.equals("application") && subtype.equals("xhtml+xml")) {
            return Optional.of(HTML);
        }
        return Optional.empty();
    }

    /** Whether {@code s} is an RFC 9110 token: one or more {@code tchar}s. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}
