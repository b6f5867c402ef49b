package streaming.lakehouse.flink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;

/**
 * {@code JSON_FIELD_TEXTS(payload STRING, fields STRING, null_like STRING, blank STRING) ->
 * ROW<parse_status STRING, texts ARRAY<STRING>>}: reads a payload once ({@link JsonObjectFields}) and
 * returns the texts of the named top-level fields, in the order named, normalized as the validation
 * judges them.
 *
 * <ul>
 *   <li>{@code fields}: comma-separated JSON keys, each with a suffix saying how it is read: none for a
 *       scalar (string, number or boolean, as its text; an object or array reads as NULL); {@code {}}
 *       for a structure (object or array as compact JSON; a scalar reads as NULL); {@code !} for a
 *       scalar stored trimmed of {@code blank} characters at both ends (ids).
 *   <li>{@code null_like}: a Java regex; a text it matches in full is NULL (e.g. {@code 'null'},
 *       blanks).
 *   <li>{@code blank}: a Java regex character class, what trimming removes.
 * </ul>
 *
 * <p>One call does what was one map lookup, one regex match and possibly one regex replacement per
 * field and per reference in SQL, and the validation refers to each field several times. The function
 * is declared non-deterministic for one reason: Flink's planner then keeps it in its own projection and
 * evaluates it once per record, instead of inlining the call into every expression that reads a field
 * (a deterministic call is copied into each reference when projections are merged). Its result depends
 * only on its arguments.
 */
public final class JsonFieldTexts extends ScalarFunction {

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
  private static final Map<String, String[]> SPECS = new ConcurrentHashMap<>();

  public @DataTypeHint("ROW<parse_status STRING, texts ARRAY<STRING>>") Row eval(
      String payload, String fields, String nullLike, String blank) {
    Row parsed = JsonObjectFields.parse(payload);
    @SuppressWarnings("unchecked")
    Map<String, String> scalars = (Map<String, String>) parsed.getField(1);
    @SuppressWarnings("unchecked")
    Map<String, String> structures = (Map<String, String>) parsed.getField(2);
    Pattern isNull = PATTERNS.computeIfAbsent(nullLike, Pattern::compile);
    Pattern trim = PATTERNS.computeIfAbsent("^" + blank + "+|" + blank + "+$", Pattern::compile);
    String[] spec = SPECS.computeIfAbsent(fields, f -> f.split(","));
    String[] texts = new String[spec.length];
    for (int i = 0; i < spec.length; i++) {
      String field = spec[i];
      String text;
      if (field.endsWith("{}")) {
        text = structures.get(field.substring(0, field.length() - 2));
      } else if (field.endsWith("!")) {
        text = scalars.get(field.substring(0, field.length() - 1));
        if (text != null && !isNullLike(text, isNull) && !(alnumAt(text, 0) && alnumAt(text, text.length() - 1))) {
          text = trim.matcher(text).replaceAll("");
        }
      } else {
        text = scalars.get(field);
      }
      texts[i] = text == null || isNullLike(text, isNull) ? null : text;
    }
    return Row.of(parsed.getField(0), texts);
  }

  /**
   * Whether {@code text} matches {@code isNull}, skipping the regex for the texts it cannot match: the
   * null-like form is blanks around an optional "null", and no blank is an ASCII letter or digit, so a
   * text with any other letter or digit is not null-like.
   */
  private static boolean isNullLike(String text, Pattern isNull) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 128 && Character.isLetterOrDigit(c) && "nNuUlL".indexOf(c) < 0) {
        return false;
      }
    }
    return isNull.matcher(text).matches();
  }

  /** An ASCII letter or digit, which no blank is: nothing to trim at that end. */
  private static boolean alnumAt(String text, int index) {
    char c = text.charAt(index);
    return c < 128 && Character.isLetterOrDigit(c);
  }

  @Override
  public boolean isDeterministic() {
    return false;
  }
}
