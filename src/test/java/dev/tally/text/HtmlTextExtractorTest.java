package dev.tally.text;

import static dev.tally.text.WordCounts.asMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTextExtractorTest {

    private final TextAnalyzer analyzer = new TextAnalyzer();

    @Test
    void countsTitleAndBodyText() {
        Map<String, Long> counts = countHtml("""
                <!DOCTYPE html>
                <html><head><title>Hello World</title><meta name="description" content="not shown"></head>
                <body><h1>Hello again</h1><p>The world is round.</p></body></html>
                """);

        assertThat(counts).containsOnly(
                entry("hello", 2L), entry("world", 2L), entry("again", 1L), entry("the", 1L), entry("is", 1L),
                entry("round", 1L));
    }

    /** An {@code xmp} shows its content as written, markup and all, as a {@code pre} would. */
    @Test
    void countsTheLiteralTextOfAnXmp() {
        assertThat(countHtml("<p>Write</p><xmp><b>bold</b></xmp><p>for bold</p>"))
                .containsOnly(entry("write", 1L), entry("b", 2L), entry("bold", 2L), entry("for", 1L));
    }

    @Test
    void separatesTitleFromBody() {
        assertThat(countHtml("<html><head><title>foo</title></head><body>bar</body></html>"))
                .containsOnlyKeys("foo", "bar");
    }

    @Test
    void ignoresScriptStyleTemplateAndComments() {
        Map<String, Long> counts = countHtml("""
                <html><head><style>body { color: red }</style><script>var secret = 1;</script></head>
                <body>
                  <p>visible text</p>
                  <script type="module">import { hidden } from "./app.js";</script>
                  <style>.inert { display: none }</style>
                  <template><p>inert <b>stamped</b> content</p></template>
                  <noscript>please enable javascript</noscript>
                  <!-- a remark for developers -->
                </body></html>
                """);

        assertThat(counts).containsOnlyKeys("visible", "text");
    }

    @Test
    void ignoresWhatTheHiddenAttributeAndClosedDialogsKeepFromTheReader() {
        Map<String, Long> counts = countHtml("""
                <body>
                  <p>shown</p>
                  <div hidden><p>a hidden panel</p></div>
                  <section HIDDEN="hidden">another tab</section>
                  <dialog><p>closed dialog</p></dialog>
                  <dialog open><p>open dialog</p></dialog>
                  <div hidden="until-found">findable</div>
                </body>
                """);

        assertThat(counts).containsOnlyKeys("shown", "open", "dialog", "findable");
    }

    @Test
    void hiddenContentDoesNotSplitTheWordAroundIt() {
        assertThat(countHtml("<p>foo<!-- note -->bar and baz<script>x()</script>qux</p>"))
                .containsOnlyKeys("foobar", "and", "bazqux");
    }

    @Test
    void inlineElementsDoNotSplitWords() {
        assertThat(countHtml("<p><b>foo</b>bar un<i>believ</i><span>able</span> <a href=\"/x\">link</a>ed super<wbr>cali</p>"))
                .containsOnlyKeys("foobar", "unbelievable", "linked", "supercali");
    }

    @Test
    void blockElementsSplitWords() {
        Map<String, Long> counts = countHtml("""
                <div>alpha</div><div>beta</div><p>gamma</p><p>delta</p><ul><li>one</li><li>two</li></ul>
                <table><tr><td>cell</td><td>data</td></tr><tr><th>head</th></tr></table><h2>title</h2>end
                """);

        assertThat(counts).containsOnlyKeys(
                "alpha", "beta", "gamma", "delta", "one", "two", "cell", "data", "head", "title", "end");
    }

    @Test
    void lineBreaksSplitWords() {
        assertThat(countHtml("<p>foo<br>bar<br/>baz</p>")).containsOnlyKeys("foo", "bar", "baz");
    }

    @Test
    void decodesCharacterReferences() {
        assertThat(countHtml("<p>caf&eacute; caf&#233; caf&#xE9; don&rsquo;t one&nbsp;two</p>"))
                .containsOnly(entry("caf\u00E9", 3L), entry("don't", 1L), entry("one", 1L), entry("two", 1L));
    }

    @Test
    void ignoresTitleElementsOutsideTheHead() {
        assertThat(countHtml("<title>Real</title><body><p>text</p><svg><title>tooltip</title></svg></body>"))
                .containsOnlyKeys("real", "text");
    }

    @Test
    void readsUpperCaseMarkup() {
        assertThat(countHtml("<P>Foo</P><SCRIPT>skip()</SCRIPT><P>Bar</P>")).containsOnlyKeys("foo", "bar");
    }

    @Test
    void countsTextOfMalformedMarkup() {
        assertThat(countHtml("<p>unclosed <b>bold <i>italic</p> tail &bogus; <")).containsOnlyKeys(
                "unclosed", "bold", "italic", "tail", "bogus");
    }

    @Test
    void countsNothingInAPageWithoutText() {
        assertThat(countHtml("<html><head><script>only()</script></head><body><img src=a.png></body></html>"))
                .isEmpty();
    }

    private Map<String, Long> countHtml(String html) {
        return asMap(analyzer.countDocument(html.getBytes(StandardCharsets.UTF_8), DocumentType.HTML, "utf-8"));
    }
}
