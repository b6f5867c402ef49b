package streaming.lakehouse.flink;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code COMPARE_DECIMAL_TEXT(text STRING, other STRING) -> INT}: -1, 0 or 1 as the number {@code text}
 * writes is below, equal to or above the number {@code other} writes, exactly, whatever their length;
 * NULL when either is not a number (see {@link DecimalText} for the form). The validation judges the
 * amount as sent with it: no rounding, no precision limit.
 */
public final class CompareDecimalText extends ScalarFunction {

  public Integer eval(String text, String other) {
    DecimalText a = DecimalText.parse(text);
    DecimalText b = DecimalText.parse(other);
    return a == null || b == null ? null : a.compareTo(b);
  }
}
