package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A 1 MiB payload of each worst shape is judged, and right. Every step is linear, so each takes
 * milliseconds; the generous bound only stops a regression from hanging the build (the quadratic
 * null-like regex took minutes on 150 KB).
 */
class WorstCaseTest {

  private static final int MIB = 1 << 20;
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final String FIELDS = "event_id:id,description:text,amount:money,currency:code,n:int,m:json";

  private static JsonObjectFields.Reading judged(String payload) {
    return assertTimeoutPreemptively(
        BOUND, () -> JsonObjectFields.read(payload, JsonObjectFields.Spec.parse(FIELDS)));
  }

  private static String filled(String unit) {
    return unit.repeat(MIB / unit.length());
  }

  @Test
  void aMebibyteOfBlanksAndAStop() {
    JsonObjectFields.Reading r = judged("{\"description\": \"" + " ".repeat(MIB) + ".\"}");
    assertEquals(JsonObjectFields.OBJECT, r.status());
    assertEquals(MIB + 1, r.texts()[1].length());
  }

  @Test
  void aMebibyteOfInvisibleCharactersInAnId() {
    JsonObjectFields.Reading escaped = judged("{\"event_id\": \"" + filled("\\u3164\\ufe0f\\u200b") + "x\"}");
    assertEquals("x", escaped.texts()[0]);
    JsonObjectFields.Reading raw = judged("{\"event_id\": \"" + filled("\u3164\ufe0f\u00a0") + "null\"}");
    assertEquals(null, raw.texts()[0]);
  }

  @Test
  void aMebibyteOfUnpairedSurrogates() {
    JsonObjectFields.Reading r = judged("{\"event_id\": \"" + filled("\\ud800") + "\"}");
    assertArrayEquals(new String[] {Reasons.INVALID_TEXT}, r.reasons());
  }

  @Test
  void aMebibyteLongNumber() {
    assertArrayEquals(new String[0], judged("{\"amount\": 1." + "0".repeat(MIB) + "1}").reasons());
    assertArrayEquals(
        new String[] {Reasons.INVALID_FIELD_TYPE}, judged("{\"n\": " + "9".repeat(MIB) + "}").reasons());
    assertEquals(MIB + 1, DecimalText.parse("0." + "0".repeat(MIB) + "1").decimals());
    assertEquals(null, DecimalText.parse("1" + "0".repeat(MIB) + "x"));
  }

  @Test
  void aMebibyteOfDeepArrays() {
    int depth = JsonObjectFields.MAX_NESTING_DEPTH - 2; // inside the object and the array
    String nested = "[".repeat(depth) + "]".repeat(depth);
    String many = (nested + ",").repeat(MIB / (nested.length() + 1));
    assertEquals(JsonObjectFields.OBJECT, judged("{\"m\": [" + many + "[]]}").status());
    assertEquals(JsonObjectFields.TOO_COMPLEX, judged("{\"m\": " + "[".repeat(MIB) + "}").status());
  }

  @Test
  void aMebibyteOfKeys() {
    StringBuilder keys = new StringBuilder("{");
    for (int i = 0; keys.length() < MIB; i++) {
      keys.append("\"k").append(i).append("\":0,");
    }
    assertEquals(JsonObjectFields.OBJECT, judged(keys + "\"event_id\":\"e1\"}").status());
    assertEquals(JsonObjectFields.DUPLICATE_KEY, judged(keys + "\"k0\":1}").status());
    // Keys whose hash codes all collide ("Aa" and "BB" hash alike): a hash set degrades to a tree, not
    // to a list.
    StringBuilder colliding = new StringBuilder("{\"m\": {");
    for (int i = 0; colliding.length() < MIB; i++) {
      colliding.append('"').append(Integer.toBinaryString(i | 1 << 16).replace("0", "Aa").replace("1", "BB"));
      colliding.append("\":0,");
    }
    assertEquals(JsonObjectFields.OBJECT, judged(colliding + "\"z\":0}}").status());
  }

  @Test
  void aMebibyteOfEmptyObjects() {
    assertEquals(JsonObjectFields.OBJECT, judged("{\"m\": [" + filled("{},") + "{}]}").status());
  }
}
