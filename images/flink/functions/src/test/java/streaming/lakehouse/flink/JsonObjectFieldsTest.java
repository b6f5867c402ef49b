package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectFieldsTest {

  private static JsonObjectFields.Reading read(String payload, String fields) {
    return JsonObjectFields.read(payload, JsonObjectFields.Spec.parse(fields));
  }

  private static String status(String payload) {
    return read(payload, "a:text").status();
  }

  /** The one field {@code a} of kind {@code kind} read from {@code {"a": <json>}}: text and reasons. */
  private static JsonObjectFields.Reading field(String kind, String json) {
    JsonObjectFields.Reading reading = read("{\"a\": " + json + "}", "a:" + kind);
    assertEquals(JsonObjectFields.OBJECT, reading.status());
    return reading;
  }

  private static String text(String kind, String json) {
    return field(kind, json).texts()[0];
  }

  private static String reason(String kind, String json) {
    String[] reasons = field(kind, json).reasons();
    return reasons.length == 0 ? null : String.join(",", reasons);
  }

  @Test
  void namedFieldsComeInTheOrderNamedAsText() {
    JsonObjectFields.Reading reading =
        read(
            "{\"b\": 2.50, \"a\": \"x\", \"m\": {\"k\": [1, 2.50, \"y\", null, true]}, \"t\": true, \"n\": 12}",
            "a:text,b:money,m:json,t:boolean,n:int,missing:text");
    assertEquals(JsonObjectFields.OBJECT, reading.status());
    assertArrayEquals(
        new String[] {"x", "2.50", "{\"k\":[1,2.50,\"y\",null,true]}", "true", "12", null}, reading.texts());
    assertArrayEquals(new String[0], reading.reasons());
  }

  @Test
  void aNumberOfAnyLengthIsReadAsWritten() {
    String huge = "1" + "0".repeat(100_000);
    JsonObjectFields.Reading reading =
        read("{\"amount\": " + huge + ", \"m\": {\"x\": -" + huge + "e-3}}", "amount:money,m:json");
    assertArrayEquals(new String[] {huge, "{\"x\":-" + huge + "e-3}"}, reading.texts());
  }

  @Test
  void stringsAreUnescaped() {
    assertEquals("café \"x\"\n", text("text", "\"caf\\u00e9 \\\"x\\\"\\n\""));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Null-like, in any kind: nothing visible but an optional null in any ASCII case.
        "text | '\"NuLl\"' | ",
        "int | '\"null\"' | ",
        "money | '\" \\u00a0\"' | ",
        "id | '\"\\u3164\\u115f\\u1160\\uffa0\"' | ", // Hangul fillers
        "id | '\"\\ufe0f\\u200d\"' | ", // a variation selector and a zero-width joiner
        "id | '\"\\u0000\"' | ", // NUL
        "text | '\"\\udb40\\udc20null\\udb40\\udc7f\"' | ", // tag characters around null
        "id | '\"\\u2007 null\\u00ad\"' | ",
        "timestamp | '\"\"' | ",
        "text | null | ",
        // Ids and codes trimmed of blanks; text kept as sent.
        "id | '\"\\u200b id-1 \\ufeff\"' | id-1",
        "id | '\"\\u3164a\\u00a0b\\ufe0f\"' | a\u00a0b",
        "text | '\" keep \"' | ' keep '",
        "code | '\"\\u00a0usd\\u200b\"' | USD",
        "code | '\"Eur\"' | EUR",
      })
  void nullLikeTextIsNullAndIdsAndCodesAreTrimmed(String kind, String json, String expected) {
    assertEquals(expected, text(kind, json));
    assertEquals(null, reason(kind, json));
  }

  @Test
  void aCodeIsUpperCasedInAsciiOnly() {
    // A long s upper-cases to S in Unicode: uſd must not become USD.
    assertEquals("UſD", text("code", "\"u\\u017fd\""));
    assertEquals("ＵSD", text("code", "\"\\uff35sd\""));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "id | '\"a\\ud800\"' | a\ufffd",
        "id | '\"a\\udc00\"' | a\ufffd",
        "text | '\"\\udbff x\"' | \ufffd x",
        "code | '\"US\\ud800\"' | US\ufffd",
        "json | '{\"k\": \"\\ud800\"}' | '{\"k\":\"\ufffd\"}'",
        "json | '{\"\\udc01\": 1}' | '{\"\ufffd\":1}'",
      })
  void anUnpairedSurrogateIsInvalidText(String kind, String json, String expected) {
    assertEquals(Reasons.INVALID_TEXT, reason(kind, json));
    if (!kind.equals("json")) {
      assertEquals(expected, text(kind, json));
    }
  }

  @Test
  void twoIdsEndingInDifferentUnpairedSurrogatesAreBothInvalid() {
    assertEquals(Reasons.INVALID_TEXT, reason("id", "\"id\\ud800\""));
    assertEquals(Reasons.INVALID_TEXT, reason("id", "\"id\\ud801\""));
    assertEquals(null, reason("id", "\"id\\ud83d\\ude00\""), "a pair is a character");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Integers: only integral JSON numbers within INT's range.
        "int | 12 | ",
        "int | -0 | ",
        "int | 2147483647 | ",
        "int | -2147483648 | ",
        "int | 2147483648 | INVALID_FIELD_TYPE",
        "int | -2147483649 | INVALID_FIELD_TYPE",
        "int | 99999999999999999999 | INVALID_FIELD_TYPE",
        "int | 87.9 | INVALID_FIELD_TYPE",
        "int | 87.0 | INVALID_FIELD_TYPE",
        "int | 1e2 | INVALID_FIELD_TYPE",
        "int | '\"12\"' | INVALID_FIELD_TYPE",
        "int | true | INVALID_FIELD_TYPE",
        "int | [1] | INVALID_FIELD_TYPE",
        "int | {\"v\": 1} | INVALID_FIELD_TYPE",
        // Booleans: only true and false.
        "boolean | true | ",
        "boolean | false | ",
        "boolean | '\"true\"' | INVALID_FIELD_TYPE",
        "boolean | 1 | INVALID_FIELD_TYPE",
        "boolean | [true] | INVALID_FIELD_TYPE",
        "boolean | {} | INVALID_FIELD_TYPE",
        // Strings: only strings.
        "text | 12 | INVALID_FIELD_TYPE",
        "id | {\"id\": \"ch_1\"} | INVALID_FIELD_TYPE",
        "code | [\"USD\"] | INVALID_FIELD_TYPE",
        "text | false | INVALID_FIELD_TYPE",
        // Timestamps: text in the form, a real time, years 1970 to 9999.
        "timestamp | '\"2026-11-26 10:15:30.250\"' | ",
        "timestamp | '\"1970-01-01 00:00:00\"' | ",
        "timestamp | '\"9999-12-31 23:59:59.999\"' | ",
        "timestamp | '\"1969-12-31 23:59:59.999\"' | INVALID_TIMESTAMP",
        "timestamp | '\"0000-01-01 00:00:00\"' | INVALID_TIMESTAMP",
        "timestamp | '\"10000-01-01 00:00:00\"' | INVALID_TIMESTAMP",
        "timestamp | 1795677202 | INVALID_TIMESTAMP",
        "timestamp | {\"at\": \"2026-11-26 10:15:30\"} | INVALID_TIMESTAMP",
        "timestamp | [] | INVALID_TIMESTAMP",
        "timestamp | true | INVALID_TIMESTAMP",
        // Amounts: a number, or a string holding one.
        "money | 12.50 | ",
        "money | 1e2 | ",
        "money | '\" 12.50 \"' | ",
        "money | '\"12,50\"' | INVALID_AMOUNT_FORMAT",
        "money | true | INVALID_AMOUNT_FORMAT",
        "money | [12] | INVALID_AMOUNT_FORMAT",
        "money | {\"value\": 12} | INVALID_AMOUNT_FORMAT",
        // Structures: an object or an array; anything else is kept out, not judged.
        "json | {\"a\": 1} | ",
        "json | '\"free text\"' | ",
      })
  void eachKindTakesOnlyItsValues(String kind, String json, String expected) {
    assertEquals(expected, reason(kind, json));
  }

  @Test
  void aValueOfAnotherKindIsKeptAsItsJsonText() {
    assertEquals("87.9", text("int", "87.9"));
    assertEquals("{\"id\":\"ch_1\"}", text("id", "{\"id\": \"ch_1\"}"));
    assertEquals("true", text("money", "true"));
    assertEquals(null, text("json", "\"free text\""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\": 1, \"a\": 1}",
        "{\"a\": \"XYZ\", \"b\": 1, \"a\": \"USD\"}",
        "{\"m\": {\"k\": 1, \"k\": 2}}",
        "{\"other\": [{\"x\": 1}, {\"y\": [{\"z\": 1, \"z\": 1}]}]}",
        "{\"a\\u0062\": 1, \"ab\": 2}",
      })
  void aKeyTwiceInAnyObjectIsADuplicateAndNothingIsRead(String payload) {
    JsonObjectFields.Reading reading = read(payload, "a:text,m:json");
    assertEquals(JsonObjectFields.DUPLICATE_KEY, reading.status());
    assertArrayEquals(new String[] {null, null}, reading.texts());
  }

  @Test
  void theSameKeyInDifferentObjectsIsNoDuplicate() {
    assertEquals(JsonObjectFields.OBJECT, status("{\"a\": {\"a\": {\"a\": 1}}, \"b\": [{\"a\": 1}, {\"a\": 2}]}"));
  }

  @Test
  void aDuplicateInADocumentThatIsNotJsonIsNotJson() {
    assertEquals(JsonObjectFields.NOT_JSON, status("{\"a\": 1, \"a\": 2"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "   ", "hello", "{\"a\": 1", "{\"a\": 1} x", "{} {}", "{'a': 1}", "{\"a\": NaN}",
        "{\"a\": 01}", "{\"a\": [1,]}"})
  void notJson(String payload) {
    assertEquals(JsonObjectFields.NOT_JSON, status(payload));
  }

  @Test
  void aNullPayloadIsNotJson() {
    assertEquals(JsonObjectFields.NOT_JSON, status(null));
    assertArrayEquals(new String[] {null}, read(null, "a:text").texts());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[{\"a\": 1}]", "\"text\"", "12", "null", "true"})
  void validJsonThatIsNoObject(String payload) {
    assertEquals(JsonObjectFields.NOT_OBJECT, status(payload));
  }

  @Test
  void nestingUpToTheLimitIsRead() {
    int inner = JsonObjectFields.MAX_NESTING_DEPTH - 1; // the top-level object is one level
    String nested = "[".repeat(inner) + "]".repeat(inner);
    JsonObjectFields.Reading reading = read("{\"m\": " + nested + "}", "m:json");
    assertEquals(JsonObjectFields.OBJECT, reading.status());
    assertEquals(nested, reading.texts()[0]);
  }

  @Test
  void deeperNestingIsTooComplexAndYieldsNoFields() {
    int inner = JsonObjectFields.MAX_NESTING_DEPTH;
    JsonObjectFields.Reading reading =
        read("{\"id\": \"e1\", \"m\": " + "[".repeat(inner) + "]".repeat(inner) + "}", "id:id");
    assertEquals(JsonObjectFields.TOO_COMPLEX, reading.status());
    assertArrayEquals(new String[] {null}, reading.texts());
  }

  @Test
  void deepNestingThatIsAlsoTruncatedIsTooComplex() {
    // Reading stops at the limit: what follows is never seen.
    assertEquals(JsonObjectFields.TOO_COMPLEX, status("[".repeat(5_000)));
  }
}
