package dev.localbridge.session;

import io.restassured.RestAssured;

import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of {@code /q/metrics} (Prometheus text format): every series with its labels and value. */
final class Scrape {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+).*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private record Series(String name, Map<String, String> labels, double value) {
    }

    private final List<Series> series = new ArrayList<>();

    private Scrape(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            series.add(new Series(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
    }

    static Scrape of(URL metrics) {
        return new Scrape(RestAssured.given().get(metrics).then().statusCode(200).extract().asString());
    }

    /** Series names as they appear (no labels), sorted. */
    SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        series.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Whether a series {@code name} with these labels ({@code key, value, ...}; others ignored) exists. */
    boolean has(String name, String... labels) {
        return series.stream().anyMatch(s -> matches(s, name, labels));
    }

    /** Sum of the series {@code name} with these labels ({@code key, value, ...}); 0 when there is none. */
    double value(String name, String... labels) {
        return series.stream().filter(s -> matches(s, name, labels)).mapToDouble(Series::value).sum();
    }

    /** Values of the label {@code label} over the series {@code name}. */
    SortedSet<String> labelValues(String name, String label) {
        SortedSet<String> values = new TreeSet<>();
        series.stream().filter(s -> s.name().equals(name) && s.labels().containsKey(label))
                .forEach(s -> values.add(s.labels().get(label)));
        return values;
    }

    private static boolean matches(Series s, String name, String... labels) {
        if (!s.name().equals(name)) {
            return false;
        }
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(s.labels().get(e.getKey())));
    }
}
