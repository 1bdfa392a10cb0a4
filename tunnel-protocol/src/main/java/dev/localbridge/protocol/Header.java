package dev.localbridge.protocol;

import java.util.Objects;

/** One HTTP header field as it travels in a head frame. Names keep their case; order and repeats are kept. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
