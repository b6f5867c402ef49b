package streaming.lakehouse.flink;

import java.math.BigDecimal;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code DECIMAL_TEXT_VALUE(text STRING) -> DECIMAL(38, 18)}: the number {@code text} writes, rounded
 * half-up to 18 decimals, read in time linear in its length; NULL when it is not a number (see {@link
 * DecimalText}) or is 10^20 or more in absolute value.
 */
public final class DecimalTextValue extends ScalarFunction {

  public static final int PRECISION = 38;
  public static final int SCALE = 18;

  public @DataTypeHint("DECIMAL(38, 18)") BigDecimal eval(String text) {
    DecimalText number = DecimalText.parse(text);
    return number == null ? null : number.toBigDecimal(PRECISION, SCALE);
  }
}
