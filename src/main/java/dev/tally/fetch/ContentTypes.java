package dev.tally.fetch;

import dev.tally.text.DocumentType;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a {@code Content-Type} header per the contract; which types are read how is the text
 * module's decision ({@link DocumentType#fromContentType}), in one place.
 */
final class ContentTypes {

    private ContentTypes() {
    }

    /** text/html and application/xhtml+xml are HTML, other text/* plain text, anything else none. */
    static Optional<DocumentType> documentType(String contentType) {
        return DocumentType.fromContentType(contentType);
    }

    /** @return the lower-cased type/subtype, or null if missing or malformed */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String mime = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        int slash = mime.indexOf('/');
        if (slash <= 0 || slash == mime.length() - 1 || mime.indexOf('/', slash + 1) >= 0 || !isToken(mime.replace("/", ""))) {
            return null;
        }
        return mime;
    }

    /** @return the charset parameter without quotes, or null when absent or empty */
    static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            if (equals < 0 || !parts[i].substring(0, equals).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String value = parts[i].substring(equals + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).trim();
            }
            return value.isEmpty() ? null : value;
        }
        return null;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
