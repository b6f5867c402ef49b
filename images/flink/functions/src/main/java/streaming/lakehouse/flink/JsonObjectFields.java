package streaming.lakehouse.flink;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.StreamReadConstraints;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * Reads a payload once, in one pass over its tokens, into its parse status and, for each named top-level
 * field, the text it is stored as and the reason its value is not of its kind, if any (the reader behind
 * {@link JsonFieldTexts}).
 *
 * <ul>
 *   <li>status: {@code OBJECT}; {@code NOT_JSON} (not JSON, truncated, empty, NULL, trailing content);
 *       {@code NOT_OBJECT} (valid JSON, but an array or a scalar); {@code TOO_COMPLEX} (nested deeper
 *       than {@link #MAX_NESTING_DEPTH}: reading stops there); {@code DUPLICATE_KEY} (an object anywhere
 *       in it names a key twice: readers disagree on which value counts, so none is taken). Only an
 *       {@code OBJECT} has field texts.
 *   <li>texts: a string as read (null-like ones as NULL; ids and codes trimmed of blanks, see {@link
 *       VisibleText}; unpaired surrogates as U+FFFD), a number exactly as written whatever its length,
 *       {@code true}/{@code false}, an object or array as compact JSON; NULL when absent or JSON null.
 *   <li>reasons: the distinct {@link Reasons} the fields' values earn ({@link FieldKind}).
 * </ul>
 *
 * <p>Why not Flink's JSON_VALUE: it parses the whole document once per call, and under Jackson's default
 * limits it rejects valid JSON (a number longer than 1,000 digits). Here numbers and strings have no
 * length limit (the Kafka record size bounds them) and only the nesting depth is capped, because that is
 * what protects the parser. Every step is linear in the payload: field names are not interned (a
 * payload of many colliding keys cannot fill a symbol table), each object's keys go in a hash set (Java's
 * falls back to a tree for colliding strings), and no text goes through a regular expression.
 */
public final class JsonObjectFields {

  /** Jackson's own default; deeper documents are {@code TOO_COMPLEX}. */
  public static final int MAX_NESTING_DEPTH = 1000;

  public static final String OBJECT = "OBJECT";
  public static final String NOT_JSON = "NOT_JSON";
  public static final String NOT_OBJECT = "NOT_OBJECT";
  public static final String TOO_COMPLEX = "TOO_COMPLEX";
  public static final String DUPLICATE_KEY = "DUPLICATE_KEY";

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .build())
          .build();

  /** The fields to read, in the order their texts come. */
  public static final class Spec {
    final String[] keys;
    final FieldKind[] kinds;
    final Map<String, Integer> index = new HashMap<>();

    Spec(String[] keys, FieldKind[] kinds) {
      this.keys = keys;
      this.kinds = kinds;
      for (int i = 0; i < keys.length; i++) {
        index.put(keys[i], i);
      }
    }

    /** From {@code key:kind,key:kind,...} ({@link FieldKind#named}); IllegalArgumentException else. */
    public static Spec parse(String fields) {
      String[] items = fields.split(",");
      String[] keys = new String[items.length];
      FieldKind[] kinds = new FieldKind[items.length];
      for (int i = 0; i < items.length; i++) {
        int colon = items[i].lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("a field is key:kind, not " + items[i]);
        }
        keys[i] = items[i].substring(0, colon);
        kinds[i] = FieldKind.named(items[i].substring(colon + 1));
      }
      return new Spec(keys, kinds);
    }
  }

  /** A payload as read: its status, each named field's text, the fields' reasons (sorted). */
  public record Reading(String status, String[] texts, String[] reasons) {}

  private final Spec spec;
  private final String[] texts;
  private final Set<String> reasons = new TreeSet<>();
  private boolean duplicate;

  private JsonObjectFields(Spec spec) {
    this.spec = spec;
    this.texts = new String[spec.keys.length];
  }

  /** {@code payload} read for {@code spec}'s fields; never throws. */
  public static Reading read(String payload, Spec spec) {
    JsonObjectFields reader = new JsonObjectFields(spec);
    String status;
    try {
      status = payload == null ? NOT_JSON : reader.read(payload);
    } catch (StreamConstraintsException e) {
      status = TOO_COMPLEX;
    } catch (IOException e) {
      status = NOT_JSON;
    }
    if (!OBJECT.equals(status)) {
      return new Reading(status, new String[spec.keys.length], new String[0]);
    }
    return new Reading(status, reader.texts, reader.reasons.toArray(new String[0]));
  }

  private String read(String payload) throws IOException {
    try (JsonParser parser = FACTORY.createParser(payload)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return NOT_JSON;
      }
      if (first != JsonToken.START_OBJECT) {
        parser.skipChildren();
        return parser.nextToken() == null ? NOT_OBJECT : NOT_JSON;
      }
      Set<String> seen = new HashSet<>();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        duplicate |= !seen.add(name);
        parser.nextToken();
        Integer at = duplicate ? null : spec.index.get(name);
        if (at == null) {
          walk(parser, null); // still read to the end: a payload is judged whole
        } else {
          judge(parser, at);
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return NOT_JSON;
      }
      // `{...} x` or `{...} {...}` is not one JSON document.
      if (parser.nextToken() != null) {
        return NOT_JSON;
      }
      return duplicate ? DUPLICATE_KEY : OBJECT;
    }
  }

  /** The text and reason of field {@code at}, whose value starts at the parser's current token. */
  private void judge(JsonParser parser, int at) throws IOException {
    FieldKind kind = spec.kinds[at];
    JsonToken token = parser.currentToken();
    String text;
    String reason = null;
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      StringWriter out = new StringWriter();
      boolean unpaired;
      try (JsonGenerator generator = FACTORY.createGenerator(out)) {
        unpaired = walk(parser, generator);
      }
      text = out.toString();
      reason = kind == FieldKind.JSON ? (unpaired ? Reasons.INVALID_TEXT : null) : kind.mismatch;
    } else if (token == JsonToken.VALUE_NULL) {
      text = null;
    } else if (kind == FieldKind.JSON) {
      text = null; // a scalar where a structure belongs is kept out
    } else if (token == JsonToken.VALUE_STRING) {
      String sent = parser.getText();
      VisibleText.Span span = VisibleText.scan(sent);
      if (span.isNullLike()) {
        text = null;
      } else {
        text = switch (kind) {
          case ID -> span.trimmed();
          case CODE -> VisibleText.asciiUpperCase(span.trimmed());
          default -> span.whole();
        };
        reason = switch (kind) {
          case TEXT, ID, CODE -> span.unpairedSurrogate() ? Reasons.INVALID_TEXT : null;
          case TIMESTAMP -> TimestampTextValue.parse(sent) == null ? kind.mismatch : null;
          case MONEY -> DecimalText.parse(sent) == null ? kind.mismatch : null;
          default -> kind.mismatch; // a number or a boolean written as a string is text, not of its type
        };
      }
    } else {
      text = parser.getText(); // a number as written, true, false
      boolean fits = switch (token) {
        case VALUE_NUMBER_INT -> kind == FieldKind.MONEY || kind == FieldKind.INT && isInt(text);
        case VALUE_NUMBER_FLOAT -> kind == FieldKind.MONEY;
        case VALUE_TRUE, VALUE_FALSE -> kind == FieldKind.BOOLEAN;
        default -> false;
      };
      reason = fits ? null : kind.mismatch;
    }
    texts[at] = text;
    if (reason != null) {
      reasons.add(reason);
    }
  }

  /** Whether a JSON integer's text ({@code -?[0-9]+}, no leading zeros) is within INT's range. */
  private static boolean isInt(String text) {
    int digits = text.length() - (text.startsWith("-") ? 1 : 0);
    if (digits > 10) {
      return false;
    }
    long value = Long.parseLong(text);
    return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
  }

  /**
   * Reads the value at the parser's current token to its end, writing it to {@code generator} when one is
   * given (numbers as written); notes a key repeated in any object. Returns whether a string written
   * holds an unpaired surrogate.
   */
  private boolean walk(JsonParser parser, JsonGenerator generator) throws IOException {
    boolean unpaired = false;
    ArrayDeque<Set<String>> keys = new ArrayDeque<>();
    JsonToken token = parser.currentToken();
    do {
      switch (token) {
        case START_OBJECT -> {
          keys.push(new HashSet<>());
          if (generator != null) {
            generator.writeStartObject();
          }
        }
        case START_ARRAY -> {
          keys.push(Collections.emptySet());
          if (generator != null) {
            generator.writeStartArray();
          }
        }
        case END_OBJECT, END_ARRAY -> {
          keys.pop();
          if (generator != null) {
            if (token == JsonToken.END_OBJECT) {
              generator.writeEndObject();
            } else {
              generator.writeEndArray();
            }
          }
        }
        case FIELD_NAME -> {
          String name = parser.currentName();
          duplicate |= !keys.peek().add(name);
          if (generator != null) {
            unpaired |= VisibleText.hasUnpairedSurrogate(name);
            generator.writeFieldName(name);
          }
        }
        default -> {
          if (generator != null) {
            unpaired |= writeScalar(parser, token, generator);
          }
        }
      }
      if (keys.isEmpty()) {
        break;
      }
      token = parser.nextToken();
      if (token == null) {
        throw new IOException("truncated");
      }
    } while (true);
    return unpaired;
  }

  /** Writes a scalar; returns whether it is a string with an unpaired surrogate. */
  private static boolean writeScalar(JsonParser parser, JsonToken token, JsonGenerator generator)
      throws IOException {
    switch (token) {
      case VALUE_STRING -> {
        String text = parser.getText();
        generator.writeString(text);
        return VisibleText.hasUnpairedSurrogate(text);
      }
      // Raw text: converting a 10,000-digit number would cost time and change what was sent.
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
      case VALUE_TRUE -> generator.writeBoolean(true);
      case VALUE_FALSE -> generator.writeBoolean(false);
      case VALUE_NULL -> generator.writeNull();
      default -> throw new IOException("unexpected token " + token);
    }
    return false;
  }
}
