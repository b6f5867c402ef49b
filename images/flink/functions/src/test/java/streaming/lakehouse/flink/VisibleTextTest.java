package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VisibleTextTest {

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x0000, 0x0009, 0x0020, 0x007F, 0x0085, 0x00A0, 0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x200B,
        0x200D, 0x2028, 0x202F, 0x2060, 0x2066, 0x3000, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0x1BCA0,
        0x1D173, 0xE0001, 0xE0020, 0xE0100, 0xE01EF
      })
  void rendersAsNothing(int codePoint) {
    assertTrue(VisibleText.isBlank(codePoint), Integer.toHexString(codePoint));
  }

  @ParameterizedTest
  @ValueSource(ints = {'a', '0', '.', 0x017F, 0x0600, 0x3042, 0xFFFD, 0x1F600, 0xD800, 0xDC00})
  void isSeen(int codePoint) {
    assertFalse(VisibleText.isBlank(codePoint), Integer.toHexString(codePoint));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "null", " NULL\u00a0", "\u3164", "\u115f\u1160", "\ufe0f", "\u0000", "\u200bnUlL\u200b"})
  void nullLike(String text) {
    assertTrue(VisibleText.scan(text).isNullLike());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nul", "nulll", "n u l l", "nuĺl", "\u0600", "a\u3164", "\ud800", "ｎｕｌｌ"})
  void notNullLike(String text) {
    assertFalse(VisibleText.scan(text).isNullLike());
  }
}
