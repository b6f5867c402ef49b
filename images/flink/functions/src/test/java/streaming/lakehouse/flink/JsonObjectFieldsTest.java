package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonObjectFieldsTest {

  private static String status(String payload) {
    return (String) JsonObjectFields.parse(payload).getField(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> scalars(Row row) {
    return (Map<String, String>) row.getField(1);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> structures(Row row) {
    return (Map<String, String>) row.getField(2);
  }

  @Test
  void anObjectGivesEachTopLevelFieldAsText() {
    Row row =
        JsonObjectFields.parse(
            "{\"id\": \"e1\", \"amount\": 49.990, \"n\": 12, \"ok\": true, \"gone\": null,"
                + " \"meta\": {\"a\": [1, 2.50, \"x\"]}, \"tags\": []}");
    assertEquals(JsonObjectFields.OBJECT, row.getField(0));
    assertEquals("e1", scalars(row).get("id"));
    assertEquals("49.990", scalars(row).get("amount"), "numbers as written");
    assertEquals("12", scalars(row).get("n"));
    assertEquals("true", scalars(row).get("ok"));
    assertTrue(scalars(row).containsKey("gone"));
    assertNull(scalars(row).get("gone"));
    assertFalse(scalars(row).containsKey("meta"));
    assertEquals("{\"a\":[1,2.50,\"x\"]}", structures(row).get("meta"));
    assertEquals("[]", structures(row).get("tags"));
  }

  @Test
  void aNumberOfAnyLengthIsRead() {
    String huge = "1" + "0".repeat(100_000);
    Row row = JsonObjectFields.parse("{\"amount\": " + huge + ", \"m\": {\"x\": -" + huge + "e-3}}");
    assertEquals(JsonObjectFields.OBJECT, row.getField(0));
    assertEquals(huge, scalars(row).get("amount"));
    assertEquals("{\"x\":-" + huge + "e-3}", structures(row).get("m"));
  }

  @Test
  void stringsAreUnescaped() {
    Row row = JsonObjectFields.parse("{\"d\": \"caf\\u00e9 \\\"x\\\"\\n\"}");
    assertEquals("café \"x\"\n", scalars(row).get("d"));
  }

  @Test
  void aRepeatedKeyKeepsItsLastValue() {
    Row row = JsonObjectFields.parse("{\"a\": {\"x\": 1}, \"b\": 1, \"a\": \"s\", \"b\": [2]}");
    assertEquals("s", scalars(row).get("a"));
    assertFalse(structures(row).containsKey("a"));
    assertEquals("[2]", structures(row).get("b"));
    assertFalse(scalars(row).containsKey("b"));
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
  }

  @ParameterizedTest
  @ValueSource(strings = {"[{\"a\": 1}]", "\"text\"", "12", "null", "true"})
  void validJsonThatIsNoObject(String payload) {
    assertEquals(JsonObjectFields.NOT_OBJECT, status(payload));
  }

  @Test
  void nestingUpToTheLimitIsRead() {
    int inner = JsonObjectFields.MAX_NESTING_DEPTH - 1;  // the top-level object is one level
    String payload = "{\"m\": " + "[".repeat(inner) + "]".repeat(inner) + "}";
    Row row = JsonObjectFields.parse(payload);
    assertEquals(JsonObjectFields.OBJECT, row.getField(0));
    assertEquals("[".repeat(inner) + "]".repeat(inner), structures(row).get("m"));
  }

  @Test
  void deeperNestingIsTooComplexAndYieldsNoFields() {
    int inner = JsonObjectFields.MAX_NESTING_DEPTH;
    Row row = JsonObjectFields.parse("{\"id\": \"e1\", \"m\": " + "[".repeat(inner) + "]".repeat(inner) + "}");
    assertEquals(JsonObjectFields.TOO_COMPLEX, row.getField(0));
    assertTrue(scalars(row).isEmpty());
  }

  @Test
  void deepNestingThatIsAlsoTruncatedIsTooComplex() {
    // Reading stops at the limit: what follows is never seen.
    assertEquals(JsonObjectFields.TOO_COMPLEX, status("[".repeat(5_000)));
  }
}
