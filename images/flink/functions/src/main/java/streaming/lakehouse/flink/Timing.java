package streaming.lakehouse.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.flink.types.Row;

/**
 * How long the job's functions take to judge payloads, for {@code make bench} (bench/strict_input.py):
 * {@code java -cp '/opt/flink/lib/*' streaming.lakehouse.flink.Timing <file>}.
 *
 * <p>The file holds triples of NUL-separated items: a repeat count, a {@code JSON_FIELD_TEXTS} field
 * spec, a payload. Each payload is judged as validate.sql judges it (JSON_FIELD_TEXTS, then the amount
 * functions on the amount's text) that many times, in the order given; one line per payload is printed:
 * the fastest time in nanoseconds (the least disturbed by other work on the machine and, after enough
 * repeats, by the JIT compiler).
 */
public final class Timing {

  private Timing() {}

  public static void main(String[] args) throws IOException {
    String[] items = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8).split("\0", -1);
    JsonFieldTexts texts = new JsonFieldTexts();
    CompareDecimalText compare = new CompareDecimalText();
    DecimalTextDecimals decimals = new DecimalTextDecimals();
    DecimalTextValue value = new DecimalTextValue();
    for (int i = 0; i + 2 < items.length; i += 3) {
      int repeats = Integer.parseInt(items[i]);
      String fields = items[i + 1];
      String payload = items[i + 2];
      int amount = Arrays.asList(fields.split(",")).indexOf("amount:money");
      long best = Long.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        long began = System.nanoTime();
        Row row = texts.eval(payload, fields);
        String amountText = ((String[]) row.getField(1))[amount];
        compare.eval(amountText, "0");
        compare.eval(amountText, "1000000");
        decimals.eval(amountText);
        value.eval(amountText);
        best = Math.min(best, System.nanoTime() - began);
      }
      System.out.println(best);
    }
  }
}
