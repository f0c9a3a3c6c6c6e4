package dev.tally.text;

import java.util.Set;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Feeds what a reader sees of an HTML document into a {@link WordCounter}: the title, then the
 * body text (contract section 2). Text goes straight from each text node into the counter, so
 * inline elements do not split words, while block boundaries and {@code <br>} do.
 */
final class HtmlTextExtractor {

    /**
     * Elements whose content a reader never sees as page text: not rendered ({@code display:
     * none} in the HTML standard's rendering rules), shown only when scripting is off, inert
     * ({@code template}), or a fallback for browsers without frames ({@code iframe}). A title inside the body is not shown either; the real one is counted
     * separately.
     */
    private static final Set<String> UNSEEN = Set.of(
            "script", "style", "template", "noscript", "noembed", "noframes", "title", "head", "datalist", "rp",
            "iframe");

    /**
     * Elements that start and end their own box, so words cannot run across their edges: block,
     * list-item and table boxes of the rendering rules, {@code <br>}, and form controls, which
     * render as separate boxes even when inline.
     */
    private static final Set<String> BOUNDARIES = Set.of(
            "html", "body", "address", "article", "aside", "blockquote", "br", "caption", "center", "col", "colgroup",
            "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
            "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li",
            "listing", "main", "menu", "nav", "ol", "optgroup", "option", "p", "plaintext", "pre", "search",
            "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp",
            "button", "select", "textarea", "input");

    private HtmlTextExtractor() {
    }

    /** Counts the title and body text of {@code document}. */
    static void extract(Document document, WordCounter counter) {
        Element title = documentTitle(document);
        if (title != null) {
            for (TextNode text : title.textNodes()) {
                counter.accept(text.getWholeText());
            }
            counter.boundary();
        }
        Element body = document.body();
        if (body != null) {
            NodeTraversor.filter(new VisibleTextFilter(counter), body);
        }
        counter.boundary();
    }

    /**
     * The element browsers show as the title: the first HTML {@code title} in the document. The
     * walk stops there, which is near the start of a page that has one.
     */
    private static Element documentTitle(Document document) {
        Element[] title = new Element[1];
        NodeTraversor.filter(new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
                if (node instanceof Element element && element.nameIs("title")
                        && Parser.NamespaceHtml.equals(element.tag().namespace())) {
                    title[0] = element;
                    return FilterResult.STOP;
                }
                return FilterResult.CONTINUE;
            }
        }, document);
        return title[0];
    }

    /** Walks the body, skipping what is not seen and marking box edges as word boundaries. */
    private record VisibleTextFilter(WordCounter counter) implements NodeFilter {

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                counter.accept(text.getWholeText());
            } else if (node instanceof DataNode data) {
                // Raw text the walk reaches is shown as written: an xmp's (script and style, whose
                // content is data too, are skipped as unseen before their data is reached).
                counter.accept(data.getWholeData());
            } else if (node instanceof Element element) {
                String name = element.normalName();
                if (UNSEEN.contains(name) || isHidden(element, name)) {
                    return FilterResult.SKIP_ENTIRELY;
                }
                if (BOUNDARIES.contains(name)) {
                    counter.boundary();
                }
            }
            return FilterResult.CONTINUE;
        }

        /**
         * Not rendered by the rendering rules' own style sheet whatever the element: the
         * {@code hidden} attribute ({@code [hidden]:not([hidden=until-found i])}: content the page
         * shows only when a script or a search asks), and a {@code dialog} that is not open.
         */
        private static boolean isHidden(Element element, String name) {
            if (element.attributesSize() == 0) {
                return name.equals("dialog");
            }
            if (element.hasAttr("hidden") && !element.attr("hidden").equalsIgnoreCase("until-found")) {
                return true;
            }
            return name.equals("dialog") && !element.hasAttr("open");
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element element && BOUNDARIES.contains(element.normalName())) {
                counter.boundary();
            }
            return FilterResult.CONTINUE;
        }
    }
}
