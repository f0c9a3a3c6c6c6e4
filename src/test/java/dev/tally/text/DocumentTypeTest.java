package dev.tally.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentTypeTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "text/html",
        "text/html; charset=utf-8",
        "TEXT/HTML;Charset=ISO-8859-1",
        "  text/html  ",
        "text/html ; charset=\"utf-8\"",
        "application/xhtml+xml",
        "Application/XHTML+XML; charset=utf-8",
    })
    void readsHtmlAndXhtmlAsHtml(String contentType) {
        assertThat(DocumentType.fromContentType(contentType)).contains(DocumentType.HTML);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "text/plain",
        "text/plain; charset=windows-1252",
        "Text/Markdown",
        "text/csv;header=present",
        "text/xml",
        "text/css",
    })
    void readsOtherTextTypesAsPlainText(String contentType) {
        assertThat(DocumentType.fromContentType(contentType)).contains(DocumentType.PLAIN_TEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "application/json",
        "application/pdf",
        "image/png",
        "application/xml",
        "application/octet-stream",
        "multipart/form-data; boundary=x",
    })
    void rejectsNonTextTypes(String contentType) {
        assertThat(DocumentType.fromContentType(contentType)).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "text", "text/", "/html", "text/html/extra", "text /html", "te xt/plain",
        ";charset=utf-8", "text/ht(ml)"})
    void rejectsMissingBlankAndMalformedValues(String contentType) {
        assertThat(DocumentType.fromContentType(contentType)).isEmpty();
    }
}
