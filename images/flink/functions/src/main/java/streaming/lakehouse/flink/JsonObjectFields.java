package streaming.lakehouse.flink;

import java.io.IOException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonGenerator;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.StreamReadConstraints;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.exc.StreamConstraintsException;
import org.apache.flink.types.Row;

/**
 * Reads a payload once into {@code ROW<parse_status STRING, scalars MAP<STRING, STRING>, structures
 * MAP<STRING, STRING>>} (the parser behind {@link JsonFieldTexts}).
 *
 * <ul>
 *   <li>{@code parse_status}: {@code OBJECT}; {@code NOT_JSON} (not JSON, truncated, empty, NULL,
 *       trailing content); {@code NOT_OBJECT} (valid JSON, but an array or a scalar); {@code
 *       TOO_COMPLEX} (nested deeper than {@link #MAX_NESTING_DEPTH}: reading stops there).
 *   <li>{@code scalars}: each top-level field whose value is a string, number or boolean, as its text
 *       (a number exactly as written, whatever its length); a JSON null maps to SQL NULL.
 *   <li>{@code structures}: each top-level field whose value is an object or an array, as compact JSON.
 * </ul>
 *
 * <p>Why not Flink's JSON_VALUE: it parses the whole document once per call, and under Jackson's default
 * limits it rejects valid JSON (a number longer than 1,000 digits), which made a valid object look like
 * "not JSON". Here numbers and strings have no length limit (the Kafka record size bounds them) and only
 * the nesting depth is capped, because that is what protects the parser. A repeated key keeps its last
 * value, as JSON_VALUE did.
 */
public final class JsonObjectFields {

  /** Jackson's own default; deeper documents are {@code TOO_COMPLEX}. */
  public static final int MAX_NESTING_DEPTH = 1000;

  public static final String OBJECT = "OBJECT";
  public static final String NOT_JSON = "NOT_JSON";
  public static final String NOT_OBJECT = "NOT_OBJECT";
  public static final String TOO_COMPLEX = "TOO_COMPLEX";

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .build())
          .build();

  private JsonObjectFields() {}

  /** The row for {@code payload}; never throws. */
  public static Row parse(String payload) {
    Map<String, String> scalars = new HashMap<>();
    Map<String, String> structures = new HashMap<>();
    String status;
    try {
      status = payload == null ? NOT_JSON : read(payload, scalars, structures);
    } catch (StreamConstraintsException e) {
      status = TOO_COMPLEX;
    } catch (IOException e) {
      status = NOT_JSON;
    }
    if (!OBJECT.equals(status)) {
      scalars.clear();
      structures.clear();
    }
    return Row.of(status, scalars, structures);
  }

  private static String read(String payload, Map<String, String> scalars, Map<String, String> structures)
      throws IOException {
    try (JsonParser parser = FACTORY.createParser(payload)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return NOT_JSON;
      }
      if (first != JsonToken.START_OBJECT) {
        parser.skipChildren();
        return parser.nextToken() == null ? NOT_OBJECT : NOT_JSON;
      }
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          structures.put(name, compact(parser));
          scalars.remove(name);
        } else {
          scalars.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
          structures.remove(name);
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return NOT_JSON;
      }
      // `{...} x` or `{...} {...}` is not one JSON document.
      return parser.nextToken() == null ? OBJECT : NOT_JSON;
    }
  }

  /** The object or array at the parser's current token as compact JSON, numbers as written. */
  private static String compact(JsonParser parser) throws IOException {
    StringWriter out = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      int depth = 0;
      JsonToken token = parser.currentToken();
      while (true) {
        switch (token) {
          case START_OBJECT -> {
            generator.writeStartObject();
            depth++;
          }
          case START_ARRAY -> {
            generator.writeStartArray();
            depth++;
          }
          case END_OBJECT -> {
            generator.writeEndObject();
            depth--;
          }
          case END_ARRAY -> {
            generator.writeEndArray();
            depth--;
          }
          case FIELD_NAME -> generator.writeFieldName(parser.currentName());
          case VALUE_STRING -> generator.writeString(parser.getText());
          // Raw text: converting a 10,000-digit number would cost time and change what was sent.
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
          case VALUE_TRUE -> generator.writeBoolean(true);
          case VALUE_FALSE -> generator.writeBoolean(false);
          case VALUE_NULL -> generator.writeNull();
          default -> throw new IOException("unexpected token " + token);
        }
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
        if (token == null) {
          throw new IOException("truncated");
        }
      }
    }
    return out.toString();
  }
}
