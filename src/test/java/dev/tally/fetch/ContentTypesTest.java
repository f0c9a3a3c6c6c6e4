package dev.tally.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.text.DocumentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypesTest {

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "TEXT/HTML", "text/html; charset=utf-8", " text/html ;charset=x", "application/xhtml+xml"})
    void readsHtmlTypesAsHtml(String contentType) {
        assertThat(ContentTypes.documentType(contentType)).contains(DocumentType.HTML);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/csv", "Text/Markdown; charset=utf-8", "text/xml"})
    void readsOtherTextTypesAsPlainText(String contentType) {
        assertThat(ContentTypes.documentType(contentType)).contains(DocumentType.PLAIN_TEXT);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"application/pdf", "application/json", "image/png", "text", "text/", "/html", "texthtml",
        "text/html/x", "te xt/plain", "application/xml"})
    void refusesEverythingElse(String contentType) {
        assertThat(ContentTypes.documentType(contentType)).isEmpty();
    }

    @Test
    void extractsCharsetParameter() {
        assertThat(ContentTypes.charset("text/html; charset=ISO-8859-1")).isEqualTo("ISO-8859-1");
        assertThat(ContentTypes.charset("text/html;CHARSET=\"utf-8\"")).isEqualTo("utf-8");
        assertThat(ContentTypes.charset("text/plain; format=flowed; charset=windows-1252")).isEqualTo("windows-1252");
        assertThat(ContentTypes.charset("text/html")).isNull();
        assertThat(ContentTypes.charset("text/html; charset=")).isNull();
        assertThat(ContentTypes.charset(null)).isNull();
    }
}
