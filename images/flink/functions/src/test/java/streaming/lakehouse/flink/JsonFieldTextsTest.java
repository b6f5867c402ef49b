package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

class JsonFieldTextsTest {

  // As flink_jobs/render.py passes them.
  private static final String BLANK = "[\\s\\p{Z}\\p{Cf}\\x{85}]";
  private static final String NULL_LIKE = "^" + BLANK + "*([nN][uU][lL][lL])?" + BLANK + "*$";
  private static final JsonFieldTexts TEXTS = new JsonFieldTexts();

  private static Row read(String payload, String fields) {
    return TEXTS.eval(payload, fields, NULL_LIKE, BLANK);
  }

  @Test
  void namedFieldsComeInTheOrderNamedAsText() {
    Row row = read("{\"b\": 2.50, \"a\": \"x\", \"m\": {\"k\": [1]}, \"t\": true}", "a,b,m{},t,missing");
    assertEquals(JsonObjectFields.OBJECT, row.getField(0));
    assertArrayEquals(new String[] {"x", "2.50", "{\"k\":[1]}", "true", null}, (String[]) row.getField(1));
  }

  @Test
  void nullLikeTextsAreNullAndIdsAreTrimmed() {
    Row row =
        read(
            "{\"a\": \"NuLl\", \"b\": \" \\u00a0\", \"c\": null, \"d\": \"\", \"id\": \"\\u200b id-1 \\ufeff\","
                + " \"e\": \" keep \", \"gone\": \" null \"}",
            "a,b,c,d,id!,e,gone!");
    assertArrayEquals(new String[] {null, null, null, null, "id-1", " keep ", null}, (String[]) row.getField(1));
  }

  @Test
  void aScalarWhereAStructureIsExpectedReadsAsNullAndTheOtherWayRound() {
    Row row = read("{\"m\": \"text\", \"s\": {\"x\": 1}}", "m{},s");
    assertArrayEquals(new String[] {null, null}, (String[]) row.getField(1));
  }

  @Test
  void aPayloadThatIsNotAnObjectHasItsStatusAndNoTexts() {
    assertEquals(JsonObjectFields.NOT_JSON, read("{\"a\": 1", "a").getField(0));
    assertEquals(JsonObjectFields.NOT_OBJECT, read("[1]", "a").getField(0));
    assertArrayEquals(new String[] {null}, (String[]) read(null, "a").getField(1));
  }
}
