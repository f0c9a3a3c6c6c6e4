package dev.tally.api;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What was wrong with a JSON body, in the API's terms: the field and what it must be, or where the
 * JSON breaks. Jackson's own messages name Java types ({@code java.lang.String}), the request's
 * class and the mapper's settings ({@code CoercionConfig}), which say nothing to a client.
 */
final class JsonBodyProblems {

    /** A field's name is the client's to choose, up to Jackson's 50,000 characters: not all of it is told back. */
    private static final int MAX_DETAIL = 300;

    private JsonBodyProblems() {
    }

    static String detail(Throwable failure) {
        String detail = describe(failure);
        return detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail;
    }

    private static String describe(Throwable failure) {
        if (failure instanceof UnrecognizedPropertyException unknown) {
            return "unknown field \"" + unknown.getPropertyName() + "\"" + fields(unknown.getKnownPropertyIds());
        }
        if (failure instanceof MismatchedInputException mismatch) {
            String message = mismatch.getOriginalMessage();
            if (message != null && message.startsWith("Trailing token")) {
                return "the body has more after its JSON object" + at(mismatch.getLocation());
            }
            String field = field(mismatch);
            return field.isEmpty() ? "the body must be a JSON object" : field + " must be " + kind(mismatch.getTargetType());
        }
        if (failure instanceof StreamReadException read) {
            String message = read.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate Object property \"")) {
                return "the field " + message.substring("Duplicate Object property ".length()) + " is given twice";
            }
            return "the body is not valid JSON" + at(read.getLocation());
        }
        return "the body is not valid JSON";
    }

    private static String fields(Collection<Object> known) {
        return known == null || known.isEmpty() ? ""
                : "; the fields are " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    /** The field's path, {@code a.b} or {@code a[0]}; empty for the body itself. */
    private static String field(JacksonException failure) {
        var path = new StringBuilder();
        for (JacksonException.Reference reference : failure.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String kind(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "of another type";
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
