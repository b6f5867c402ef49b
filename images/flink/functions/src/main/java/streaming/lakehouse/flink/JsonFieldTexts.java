package streaming.lakehouse.flink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;

/**
 * {@code JSON_FIELD_TEXTS(payload STRING, fields STRING) -> ROW<parse_status STRING, texts ARRAY<STRING>,
 * reasons ARRAY<STRING>>}: reads a payload once ({@link JsonObjectFields}) and returns its parse status,
 * the texts of the named top-level fields in the order named, and the reasons their values earn.
 *
 * <p>{@code fields}: comma-separated {@code key:kind}, the kinds of {@link FieldKind} in lower case
 * ({@code event_id:id,amount:money,card_exp_month:int,...}). Every per-field judgement the rules make on
 * a value's JSON type, its visible text and its form happens here, in one pass over the payload; the SQL
 * only combines the outcome with the stack's settings (accepted currencies, the amount bound).
 *
 * <p>The function is declared non-deterministic for one reason: Flink's planner then keeps it in its own
 * projection and evaluates it once per record, instead of inlining the call into every expression that
 * reads a field (a deterministic call is copied into each reference when projections are merged). Its
 * result depends only on its arguments.
 */
public final class JsonFieldTexts extends ScalarFunction {

  private static final Map<String, JsonObjectFields.Spec> SPECS = new ConcurrentHashMap<>();

  public @DataTypeHint("ROW<parse_status STRING, texts ARRAY<STRING>, reasons ARRAY<STRING>>") Row eval(
      String payload, String fields) {
    JsonObjectFields.Reading reading =
        JsonObjectFields.read(payload, SPECS.computeIfAbsent(fields, JsonObjectFields.Spec::parse));
    return Row.of(reading.status(), reading.texts(), reading.reasons());
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }
}
