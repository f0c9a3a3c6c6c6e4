package dev.tally.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark input: the output directory of {@code shared/bench/make-corpus} (corpus.txt,
 * corpus.html, page.html), or, when none is given, a built-in sample generated here.
 *
 * <p>The directory comes from the benchmarks' {@code corpus} parameter ({@code -p corpus=DIR});
 * its default, {@value #SAMPLE}, falls back to the system property {@code tally.corpus}
 * (pass it to the forked JVM with {@code -jvmArgsAppend -Dtally.corpus=DIR}) and then to the
 * built-in sample.
 */
public final class Corpus {

    /** The parameter value that asks for the built-in sample (or {@code -Dtally.corpus}). */
    public static final String SAMPLE = "sample";

    private static final int SAMPLE_BYTES = 4 * 1024 * 1024;

    private final String source;
    private final byte[] text;
    private final byte[] html;
    private final byte[] page;

    private Corpus(String source, byte[] text, byte[] html, byte[] page) {
        this.source = source;
        this.text = text;
        this.html = html;
        this.page = page;
    }

    /** Loads the corpus named by a benchmark's {@code corpus} parameter. */
    public static Corpus load(String parameter) {
        String dir = parameter;
        if (dir == null || dir.isBlank() || dir.equals(SAMPLE)) {
            dir = System.getProperty("tally.corpus", "");
        }
        Corpus corpus = dir.isBlank() ? sample() : fromDirectory(Path.of(dir));
        System.out.printf("%n# corpus: %s (text %d bytes, html %d bytes, page %d bytes)%n",
                corpus.source, corpus.text.length, corpus.html.length, corpus.page.length);
        return corpus;
    }

    /** corpus.txt: English prose as UTF-8. */
    public byte[] text() {
        return text;
    }

    /** corpus.html: the same prose as one HTML page of paragraphs, with a script and a style. */
    public byte[] html() {
        return html;
    }

    /** page.html: about the first 100 KB of the prose as HTML, a typical fetched page. */
    public byte[] page() {
        return page;
    }

    /**
     * An HTML page of about {@code bytes} bytes (whole paragraphs of this corpus's prose,
     * repeated if it is shorter), like make-corpus makes corpus.html.
     */
    public byte[] htmlOfSize(int bytes) {
        String prose = new String(text, StandardCharsets.UTF_8);
        StringBuilder repeated = new StringBuilder(bytes + prose.length());
        while (repeated.length() < bytes) {
            repeated.append(prose).append("\n\n");
        }
        // Markup and escapes add a few percent; cut the prose so that the page is about the size.
        int cut = repeated.lastIndexOf("\n\n", bytes - bytes / 20);
        String page = repeated.substring(0, cut > 0 ? cut : Math.min(bytes, repeated.length()));
        return asHtml(page, "Large page").getBytes(StandardCharsets.UTF_8);
    }

    private static Corpus fromDirectory(Path dir) {
        try {
            return new Corpus(dir.toAbsolutePath().toString(),
                    Files.readAllBytes(dir.resolve("corpus.txt")),
                    Files.readAllBytes(dir.resolve("corpus.html")),
                    Files.readAllBytes(dir.resolve("page.html")));
        } catch (IOException e) {
            throw new UncheckedIOException("no usable corpus in " + dir + " (run shared/bench/make-corpus)", e);
        }
    }

    /** A few MB of English-like prose with the odd accent, curly apostrophe and number. */
    static Corpus sample() {
        String[] sentences = {
            "The quick brown fox jumps over the lazy dog, and the dog doesn't seem to mind at all.",
            "Permission is hereby granted, free of charge, to any person obtaining a copy of this software.",
            "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.",
            "You may not use this file except in compliance with the License; see the NOTICE file.",
            "It\u2019s a well-known fact that a caf\u00E9 serves na\u00EFve cr\u00E8me br\u00FBl\u00E9e to tourists.",
            "Version 2.0 was released in 2024, after 17 release candidates and 3,512 commits.",
            "Redistribution and use in source and binary forms, with or without modification, are permitted.",
            "This program is free software: you can redistribute it and/or modify it under the terms of the GPL.",
            "See the README for build_instructions; the changelog lists every user-visible change.",
            "In no event shall the authors or copyright holders be liable for any claim, damages or other liability.",
        };
        StringBuilder text = new StringBuilder(SAMPLE_BYTES + 256);
        int n = 0;
        while (text.length() < SAMPLE_BYTES) {
            for (int s = 0; s < 6; s++) {
                text.append(sentences[(n * 7 + s * 3) % sentences.length]).append(' ');
                // A trickle of rare words, so the table grows past the common ones.
                text.append("item").append(Integer.toString(n % 50_000, 36)).append(' ');
                n++;
            }
            text.append("\n\n");
        }
        String prose = text.toString();
        String html = asHtml(prose, "Corpus");
        String page = asHtml(prose.substring(0, prose.lastIndexOf("\n\n", 100 * 1024)), "Test page");
        return new Corpus("built-in sample", prose.getBytes(StandardCharsets.UTF_8),
                html.getBytes(StandardCharsets.UTF_8), page.getBytes(StandardCharsets.UTF_8));
    }

    /** The page make-corpus writes: one paragraph per blank-line-separated block. */
    static String asHtml(String text, String title) {
        StringBuilder body = new StringBuilder(text.length() + text.length() / 8);
        for (String paragraph : text.split("\n\\s*\n")) {
            if (!paragraph.isBlank()) {
                body.append("<p>");
                escape(paragraph, body);
                body.append("</p>\n");
            }
        }
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<style>p{margin:1em}</style><script>var x=1;</script></head>\n"
                + "<body><div class=\"content\">\n" + body + "</div></body></html>\n";
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#x27;");
                default -> out.append(c);
            }
        }
    }
}
