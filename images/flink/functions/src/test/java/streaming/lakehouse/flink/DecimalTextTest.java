package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DecimalTextTest {

  private static final CompareDecimalText COMPARE = new CompareDecimalText();
  private static final DecimalTextValue VALUE = new DecimalTextValue();

  @ParameterizedTest
  @CsvSource({
    "1000000.004, 1000000, 1",
    "1000000.000, 1000000, 0",
    "999999.999999999999999999999, 1000000, -1",
    "1000000.0000000000000000000000001, 1000000, 1",
    "1e6, 1000000, 0",
    "0.1e7, 1000000, 0",
    "10000000e-1, 1000000, 0",
    "0, 0, 0",
    "-0.000, 0, 0",
    "0e99999999999999999999999, 0, 0",
    "0.0000000000000000000000000001, 0, 1",
    "-0.0000000000000000000000000001, 0, -1",
    "1e-99999999999999999999999, 0, 1",
    "1e99999999999999999999999, 1000000, 1",
    "-5, 0, -1",
    "-5, -4, -1",
    "-4, -5, 1",
    "007.50, 7.5, 0",
    "' 12.50 ', 12.5, 0",
  })
  void comparesExactly(String text, String other, int expected) {
    assertEquals(expected, COMPARE.eval(text, other));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "NaN", "Infinity", "-Infinity", "+1", ".5", "5.", "1,5", "1e", "0x10", "true", "１２"})
  void notANumber(String text) {
    assertNull(COMPARE.eval(text, "0"));
    assertNull(VALUE.eval(text));
  }

  @Test
  void nullIsNotANumber() {
    assertNull(COMPARE.eval(null, "0"));
    assertNull(VALUE.eval(null));
  }

  @Test
  void aHugeNumberIsJudgedWithoutBeingParsedWhole() {
    String huge = "1" + "0".repeat(1_000_000);
    assertEquals(1, COMPARE.eval(huge, "1000000"));
    assertEquals(-1, COMPARE.eval("-" + huge, "0"));
    assertEquals(1, COMPARE.eval("0." + "0".repeat(1_000_000) + "1", "0"));
    assertNull(VALUE.eval(huge));
  }

  @ParameterizedTest
  @CsvSource({
    "49.99, 49.990000000000000000",
    "10.005, 10.005000000000000000",
    "0.0000000000000000005, 0.000000000000000001",
    "0.0000000000000000004999, 0.000000000000000000",
    "-0.0000000000000000005, -0.000000000000000001",
    "1e-400, 0.000000000000000000",
    "1.5e3, 1500.000000000000000000",
    "99999999999999999999.999999999999999999, 99999999999999999999.999999999999999999",
  })
  void valueRoundsHalfUpTo18Decimals(String text, String expected) {
    assertEquals(new BigDecimal(expected), VALUE.eval(text));
  }

  @Test
  void aLongTextWithFewSignificantDigitsHasItsValue() {
    assertEquals(new BigDecimal("12.500000000000000000"), VALUE.eval("12.5" + "0".repeat(100_000)));
  }

  @ParameterizedTest
  @CsvSource({
    "12, 0",
    "12.00, 0",
    "12.50, 1",
    "10.005, 3",
    "1e2, 0",
    "1.5e1, 0",
    "1.25e1, 1",
    "0.004, 3",
    "4e-3, 3",
    "0, 0",
    "-0.10, 1",
    "999999.995, 3",
    "1e-99999999999999999999999, 2147483647",
  })
  void decimalsTheValueNeeds(String text, int expected) {
    assertEquals(expected, new DecimalTextDecimals().eval(text));
  }

  @Test
  void notANumberHasNoDecimals() {
    assertNull(new DecimalTextDecimals().eval("1,5"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e20", "100000000000000000000", "99999999999999999999.9999999999999999995", "-1e20"})
  void valueOutOfRangeIsNull(String text) {
    assertNull(VALUE.eval(text));
  }
}
