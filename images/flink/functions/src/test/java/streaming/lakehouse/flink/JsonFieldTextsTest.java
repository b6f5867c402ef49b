package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

class JsonFieldTextsTest {

  private static final JsonFieldTexts TEXTS = new JsonFieldTexts();

  @Test
  void aRowOfStatusTextsAndReasons() {
    Row row =
        TEXTS.eval(
            "{\"id\": \" e1 \", \"n\": 87.9, \"at\": {}, \"c\": \"eur\"}", "id:id,n:int,at:timestamp,c:code,x:text");
    assertEquals(JsonObjectFields.OBJECT, row.getField(0));
    assertArrayEquals(new String[] {"e1", "87.9", "{}", "EUR", null}, (String[]) row.getField(1));
    assertArrayEquals(new String[] {"INVALID_FIELD_TYPE", "INVALID_TIMESTAMP"}, (String[]) row.getField(2));
  }

  @Test
  void aPayloadThatIsNotAnObjectHasItsStatusAndNoTexts() {
    Row row = TEXTS.eval("[1]", "a:text");
    assertEquals(JsonObjectFields.NOT_OBJECT, row.getField(0));
    assertArrayEquals(new String[] {null}, (String[]) row.getField(1));
    assertArrayEquals(new String[0], (String[]) row.getField(2));
  }
}
