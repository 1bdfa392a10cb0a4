package dev.localbridge.gateway.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A scraped Prometheus text page, read just enough for assertions: series names, and values by name and labels. */
public record PrometheusText(String text) {

    /** Every series name on the page (no labels), e.g. {@code localbridge_request_ttfb_seconds_bucket}. */
    public Set<String> names() {
        return text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Sum of the values of the series named {@code name} with all of the label pairs given (name, value, ...). */
    public double sum(String name, String... labelPairs) {
        return series(name, labelPairs).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Whether a series named {@code name} with all of the label pairs given exists. */
    public boolean has(String name, String... labelPairs) {
        return series(name, labelPairs).findAny().isPresent();
    }

    private Stream<String> series(String name, String... labelPairs) {
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            wanted.add(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
        }
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> wanted.stream().allMatch(l::contains));
    }

    @Override
    public String toString() {
        return Arrays.toString(names().toArray());
    }
}
