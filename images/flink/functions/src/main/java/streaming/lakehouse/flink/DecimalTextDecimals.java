package streaming.lakehouse.flink;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code DECIMAL_TEXT_DECIMALS(text STRING) -> INT}: how many decimals the number {@code text} writes
 * needs to be held exactly ({@code 12.50} needs 1, {@code 1e2} none, {@code 0.004} 3), read in time
 * linear in its length; NULL when it is not a number (see {@link DecimalText}). The validation compares
 * it with the currency's minor unit: an amount finer than the currency can hold is refused, not rounded.
 */
public final class DecimalTextDecimals extends ScalarFunction {

  public Integer eval(String text) {
    DecimalText number = DecimalText.parse(text);
    return number == null ? null : number.decimals();
  }
}
