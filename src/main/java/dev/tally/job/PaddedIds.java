package dev.tally.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Id lists for {@code IN (:ids)}, padded to the next power of two by repeating the last id. An
 * expanded list gives every length a statement text of its own, so H2's per-session statement
 * cache and PostgreSQL's prepared statements kept missing and each batch was parsed (and
 * planned) afresh; padded, a statement has at most a dozen texts. A repeated id changes nothing
 * in an {@code IN} list. Not an array parameter ({@code = ANY(?)}), which keeps one text too: on
 * PostgreSQL its generic plan is a bitmap scan, which measured no faster and up to 10 % slower for
 * a batch's few rows than the index scan planned for a list.
 */
final class PaddedIds {

    private PaddedIds() {
    }

    static <T> List<T> padded(List<T> ids) {
        int n = ids.size();
        if (n <= 1 || Integer.bitCount(n) == 1) {
            return ids;
        }
        int size = Integer.highestOneBit(n) << 1;
        List<T> padded = new ArrayList<>(size);
        padded.addAll(ids);
        T last = ids.get(n - 1);
        while (padded.size() < size) {
            padded.add(last);
        }
        return padded;
    }
}
