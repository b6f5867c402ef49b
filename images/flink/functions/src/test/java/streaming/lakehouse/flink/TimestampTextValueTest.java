package streaming.lakehouse.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampTextValueTest {

  @ParameterizedTest
  @CsvSource({
    "2026-11-26 10:15:30.250, 2026-11-26T10:15:30.250",
    "2026-11-26 10:15:30, 2026-11-26T10:15:30",
    "2026-11-26 10:15:30.5, 2026-11-26T10:15:30.500",
    "2026-11-26 10:15:30.05, 2026-11-26T10:15:30.050",
    "2024-02-29 23:59:59.999, 2024-02-29T23:59:59.999",
    "2026-01-01 00:00:00.000, 2026-01-01T00:00",
    "1970-01-01 00:00:00, 1970-01-01T00:00",
    "9999-12-31 23:59:59.999, 9999-12-31T23:59:59.999",
  })
  void readsTheGeneratorsForm(String text, String expected) {
    assertEquals(LocalDateTime.parse(expected), TimestampTextValue.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-02-30 10:00:00.000", // no such day: CAST would roll over to March
        "2025-02-29 10:00:00.000", // not a leap year
        "2026-13-01 10:00:00",
        "2026-00-10 10:00:00",
        "2026-01-00 10:00:00",
        "2026-01-01 24:00:00",
        "2026-01-01 23:60:00",
        "2026-01-01 23:59:60", // a leap second
        "2026-11-26T10:15:30.250Z", // ISO-8601
        "2026-11-26T10:15:30",
        "2026-11-26 10:15:30.",
        "2026-11-26 10:15:30.2500", // more than milliseconds
        "2026-11-26 10:15:30,250",
        "2026-11-26 10:15",
        " 2026-11-26 10:15:30",
        "2026-11-26 10:15:30 ",
        "2026-1-26 10:15:30.25",
        "26/12/2026",
        "1795677202",
        "2026-11-26 1０:15:30", // a full-width digit is no ASCII digit
        "+026-11-26 10:15:30",
        "0000-01-01 00:00:00", // before 1970: no payment, and unreadable for Python clients
        "1969-12-31 23:59:59.999",
        "10000-01-01 00:00:00",
        "",
      })
  void refusesEverythingElse(String text) {
    assertNull(TimestampTextValue.parse(text));
  }

  @Test
  void nullIsNull() {
    assertNull(TimestampTextValue.parse(null));
  }
}
