package dev.localbridge.k8s;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The metric names a PromQL expression reads, found without a full parser: label matchers inside {@code {...}}, string
 * literals, ranges and subqueries inside {@code [...]}, numbers and durations, Grafana variables ({@code $namespace},
 * {@code ${x}}, {@code $__rate_interval}), function and aggregation names, keywords, and the label lists after
 * {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/{@code group_right} are skipped; every
 * other identifier is a metric name, as is the value of a {@code __name__="..."} matcher.
 * <p>
 * Refuses (IllegalArgumentException) what it cannot check rather than guessing: an unknown function, a regex
 * {@code __name__} matcher, unbalanced brackets, an unterminated string.
 */
final class PromQl {

    /** PromQL functions (Prometheus 2.x/3.x), called as {@code name(...)}; a bare identifier of the same name is a metric. */
    static final Set<String> FUNCTIONS = Set.of(
            "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
            "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month",
            "day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing", "exp",
            "floor", "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile", "histogram_stddev",
            "histogram_stdvar", "histogram_sum", "holt_winters", "hour", "idelta", "increase", "info", "irate",
            "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time", "max_over_time",
            "min_over_time", "minute", "month", "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad",
            "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label", "sort_by_label_desc",
            "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time",
            "timestamp", "vector", "year",
            // the @ modifier's start() and end()
            "start", "end");

    /** Aggregation operators: keywords in PromQL, never metric names, with or without a following by/without. */
    static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
            "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

    /** Keywords followed by an optional label list in parentheses, which is skipped. */
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    /** Other keywords (case-insensitive in PromQL), and the number literals Inf and NaN. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "atan2", "bool", "offset", "inf", "nan");

    private PromQl() {
    }

    /** Every metric name {@code expr} reads, in order of appearance. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        int depth = 0;
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                int eol = expr.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (isQuote(c)) {
                i = skipString(expr, i);
            } else if (c == '{') {
                i = labelMatchers(expr, i, names);
            } else if (c == '[') {
                i = skipBalanced(expr, i, '[', ']');
            } else if (c == '$') {
                i = skipVariable(expr, i);
            } else if (c == '(' || c == ')') {
                depth += c == '(' ? 1 : -1;
                if (depth < 0) {
                    throw new IllegalArgumentException("unbalanced ')' at " + i + ": " + expr);
                }
                i++;
            } else if (c == '}' || c == ']') {
                throw new IllegalArgumentException("unbalanced '" + c + "' at " + i + ": " + expr);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                i = skipNumber(expr, i);
            } else if (isIdentStart(c)) {
                int start = i;
                while (i < n && isIdentPart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                String lower = word.toLowerCase(Locale.ROOT);
                int next = skipSpaces(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                if (LABEL_LIST_KEYWORDS.contains(lower)) {
                    if (call) {
                        i = skipBalanced(expr, next, '(', ')');
                    }
                } else if (KEYWORDS.contains(lower) || AGGREGATIONS.contains(lower)) {
                    // operator keyword; an aggregation's own "(" is counted by the loop
                } else if (call) {
                    if (!FUNCTIONS.contains(word)) {
                        throw new IllegalArgumentException("unknown function " + word + "(...) in: " + expr);
                    }
                } else {
                    names.add(word);
                }
            } else {
                i++; // operators, commas, @
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unbalanced '(' in: " + expr);
        }
        return names;
    }

    /** Skips {@code {label op "value", ...}} from the '{' at {@code i}; adds {@code __name__="x"} and bare quoted names. */
    private static int labelMatchers(String e, int i, Set<String> names) {
        int n = e.length();
        i++;
        while (true) {
            i = skipSpaces(e, i);
            if (i >= n) {
                throw new IllegalArgumentException("unterminated '{' in: " + e);
            }
            char c = e.charAt(i);
            if (c == '}') {
                return i + 1;
            }
            if (c == ',') {
                i++;
                continue;
            }
            String label;
            if (isQuote(c)) {
                int end = skipString(e, i);
                label = unquote(e.substring(i, end));
                i = end;
            } else if (isIdentStart(c)) {
                int start = i;
                while (i < n && isIdentPart(e.charAt(i))) {
                    i++;
                }
                label = e.substring(start, i);
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' in label matchers at " + i + ": " + e);
            }
            i = skipSpaces(e, i);
            if (i < n && (e.charAt(i) == ',' || e.charAt(i) == '}')) {
                names.add(label); // Prometheus 3: {"metric.name", job="x"}
                continue;
            }
            String op = e.startsWith("=~", i) ? "=~" : e.startsWith("!=", i) ? "!=" : e.startsWith("!~", i) ? "!~"
                    : e.startsWith("=", i) ? "=" : null;
            if (op == null) {
                throw new IllegalArgumentException("label " + label + " without =, !=, =~ or !~ at " + i + ": " + e);
            }
            i = skipSpaces(e, i + op.length());
            if (i >= n || !isQuote(e.charAt(i))) {
                throw new IllegalArgumentException("label " + label + op + " without a quoted value: " + e);
            }
            int end = skipString(e, i);
            String value = unquote(e.substring(i, end));
            i = end;
            if (label.equals("__name__")) {
                if (!op.equals("=")) {
                    throw new IllegalArgumentException("__name__" + op + "\"" + value + "\" cannot be checked against"
                            + " the exported metric names: name the metric itself: " + e);
                }
                names.add(value);
            }
        }
    }

    private static int skipString(String e, int i) {
        char q = e.charAt(i);
        int n = e.length();
        for (int j = i + 1; j < n; j++) {
            char c = e.charAt(j);
            if (c == '\\' && q != '`') {
                j++;
            } else if (c == q) {
                return j + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string at " + i + ": " + e);
    }

    private static String unquote(String quoted) {
        String body = quoted.substring(1, quoted.length() - 1);
        return quoted.charAt(0) == '`' ? body : body.replaceAll("\\\\(.)", "$1");
    }

    /** From the opening bracket at {@code i} to after its match, skipping strings (and nested pairs). */
    private static int skipBalanced(String e, int i, char open, char close) {
        int depth = 0;
        int n = e.length();
        for (int j = i; j < n; j++) {
            char c = e.charAt(j);
            if (isQuote(c)) {
                j = skipString(e, j) - 1;
            } else if (c == open) {
                depth++;
            } else if (c == close && --depth == 0) {
                return j + 1;
            }
        }
        throw new IllegalArgumentException("unbalanced '" + open + "' at " + i + ": " + e);
    }

    /** Grafana variables: $name, ${name}, ${name:format}, $__rate_interval. */
    private static int skipVariable(String e, int i) {
        int n = e.length();
        if (i + 1 < n && e.charAt(i + 1) == '{') {
            int end = e.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated ${ at " + i + ": " + e);
            }
            return end + 1;
        }
        int j = i + 1;
        while (j < n && isIdentPart(e.charAt(j)) && e.charAt(j) != ':') {
            j++;
        }
        return j;
    }

    /** 0.95, 2e6, 2e+6, 0x1f, 209715200, and durations (10m, 1h30m, 500ms). */
    private static int skipNumber(String e, int i) {
        int n = e.length();
        int j = i;
        while (j < n) {
            char c = e.charAt(j);
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
                j++;
            } else if ((c == '+' || c == '-') && (e.charAt(j - 1) == 'e' || e.charAt(j - 1) == 'E')
                    && !e.regionMatches(true, i, "0x", 0, 2)) {
                j++;
            } else {
                break;
            }
        }
        return j;
    }

    private static int skipSpaces(String e, int i) {
        while (i < e.length() && Character.isWhitespace(e.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }
}
