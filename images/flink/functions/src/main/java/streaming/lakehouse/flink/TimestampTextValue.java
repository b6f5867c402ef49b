package streaming.lakehouse.flink;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code TIMESTAMP_TEXT_VALUE(text STRING) -> TIMESTAMP(3)}: the time {@code text} writes in the form
 * the generators use, {@code yyyy-MM-dd HH:mm:ss} with an optional fraction of 1 to 3 digits ({@code .5}
 * is 500 ms), ASCII digits only, in years {@value #FIRST_YEAR} to 9999; NULL for any other text and for a
 * time that does not exist (2026-02-30, 24:00:00, a leap second), where a plain CAST would roll over
 * into the next month or day. Years before {@value #FIRST_YEAR} are refused: no payment event is that
 * old, and a year 0000 in a table makes it unreadable for Python clients (pyarrow to datetime).
 *
 * <p>One pass over at most 23 characters, in place of a regular expression, a CAST and a DATE_FORMAT
 * round trip per field: the validation job's profile showed those as its largest cost.
 */
public final class TimestampTextValue extends ScalarFunction {

  /** The first year accepted (the last is 9999, the largest the form writes). */
  public static final int FIRST_YEAR = 1970;

  public @DataTypeHint("TIMESTAMP(3)") LocalDateTime eval(String text) {
    return parse(text);
  }

  static LocalDateTime parse(String text) {
    if (text == null) {
      return null;
    }
    int length = text.length();
    if (length != 19 && (length < 21 || length > 23)) {
      return null;
    }
    if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != ' '
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int millis = 0;
    if (length > 19) {
      if (text.charAt(19) != '.') {
        return null;
      }
      millis = digits(text, 20, length);
      for (int i = length; i < 23; i++) {
        millis *= 10; // .5 is 500 ms, .05 is 50 ms
      }
    }
    if ((year | month | day | hour | minute | second | millis) < 0 || year < FIRST_YEAR) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000);
    } catch (DateTimeException e) {
      return null; // not a real date or time of day
    }
  }

  /** The number the ASCII digits in [from, to) write, or -1 when one of them is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
