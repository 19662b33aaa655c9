package org.toxreactive.relay.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The config's JSON as plain Java values, read and written with Jackson's streaming API
 * (jackson-core) only: jackson-databind's object mapper costs the idle relay ~600 classes and ~7 MB
 * of memory for reading one small file (BENCHMARKS.md "Footprint").
 *
 * <p>A value is a {@code Map<String, Object>} (an object, fields in document order), a {@code
 * List<Object>} (an array), a {@link String}, a {@link Boolean}, a {@link BigInteger} (a JSON
 * integer of any size), a {@link Double} (a JSON number with a fraction or exponent) or {@link
 * #NULL}. The parser is strict: duplicate fields, comments, single quotes, leading zeros, {@code
 * NaN} and trailing content are errors ({@link IOException}s from the parser, with their location),
 * and jackson-core's default limits on nesting depth and number and string length apply.
 */
final class JsonTree {
  private JsonTree() {}

  /** A record component left out of an object (a bootstrap node's): shown as "nothing". */
  static final Object MISSING =
      new Object() {
        @Override
        public String toString() {
          return "nothing";
        }
      };

  /** JSON {@code null}. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Thrown for content after the top-level value. */
  static final class TrailingContentException extends IOException {
    private static final long serialVersionUID = 1L;
    final transient com.fasterxml.jackson.core.JsonLocation location;

    TrailingContentException(String token, com.fasterxml.jackson.core.JsonLocation location) {
      super("unexpected '" + token + "' after the end of the JSON value (a config is one object)");
      this.location = location;
    }
  }

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .build();

  /** A strict parser over {@code text} (also used to find a field's line and column). */
  static JsonParser parser(String text) throws IOException {
    return FACTORY.createParser(text);
  }

  /**
   * The one value in {@code text}, or {@code null} if the text is empty or only white space.
   *
   * @throws IOException a syntax error, a duplicate field, or content after the value
   */
  static @Nullable Object read(String text) throws IOException {
    try (JsonParser p = parser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      Object v = value(p, t);
      JsonToken after = p.nextToken();
      if (after != null) {
        String token = p.getText();
        throw new TrailingContentException(
            token.length() > 20 ? token.substring(0, 17) + "..." : token, p.currentTokenLocation());
      }
      return v;
    }
  }

  /** The value starting at the current token {@code t}; depth is bounded by the parser. */
  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        {
          Map<String, Object> m = new LinkedHashMap<>();
          // null at the end of the object: the parser allows only a field name or '}' here
          for (String name; (name = p.nextFieldName()) != null; ) {
            m.put(name, value(p, p.nextToken()));
          }
          return m;
        }
      case START_ARRAY:
        {
          List<Object> l = new ArrayList<>();
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            l.add(value(p, e));
          }
          return l;
        }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getBigIntegerValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IOException("unexpected " + t); // not reached: the parser checks the syntax
    }
  }

  /** A deep copy of a value (objects and arrays copied, scalars shared). */
  @SuppressWarnings("unchecked")
  static Object copy(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, e) -> c.put(k, copy(e)));
      return c;
    }
    if (v instanceof List<?> l) {
      List<Object> c = new ArrayList<>(l.size());
      l.forEach(e -> c.add(copy(e)));
      return c;
    }
    return v;
  }

  /**
   * A command-line value as a tree value: a String, Integer, Long, Boolean, List or Map of them.
   */
  static Object of(Object v) {
    if (v == null) {
      return NULL;
    }
    if (v instanceof Integer || v instanceof Long) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof String || v instanceof Boolean) {
      return v;
    }
    if (v instanceof List<?> l) {
      List<Object> c = new ArrayList<>(l.size());
      l.forEach(e -> c.add(of(e)));
      return c;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      m.forEach((k, e) -> c.put(String.valueOf(k), of(e)));
      return c;
    }
    throw new IllegalArgumentException("not a config value: " + v.getClass().getName());
  }

  /** The value as compact JSON ({@code {"a":[1,"x"]}}); non-finite numbers as strings. */
  static String toJson(Object v) {
    if (v == MISSING) {
      return "nothing";
    }
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return w.toString();
  }

  @SuppressWarnings("unchecked")
  private static void write(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        g.writeFieldName(e.getKey());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object e : l) {
        write(g, e);
      }
      g.writeEndArray();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else {
      g.writeNull();
    }
  }

  /** "an array", "a string", "a number", "a boolean", "null" or "an object". */
  static String kind(Object v) {
    if (v instanceof List<?>) {
      return "an array";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Number) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v == NULL) {
      return "null";
    }
    return "an object";
  }
}
