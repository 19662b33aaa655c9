package org.toxreactive.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The seed corpus of a fuzz test, kept in Jazzer's layout: {@code src/test/resources/<package
 * path>/<TestClass>Inputs/<method>/<name>}, one raw input per file. Jazzer runs every file there in
 * regression mode (the normal build) and starts from them when it fuzzes.
 *
 * <p>Each fuzz test generates its seeds from the encoders with fixed keys and nonces and calls
 * {@link #check} from a plain test, so the committed files cannot go stale: a codec change that
 * alters a seed fails that test until the seeds are regenerated with {@code
 * -Dtox.fuzz.writeSeeds=true} (which writes the files under the module's {@code src/test/resources}
 * instead of comparing). Files that are not generated (crash inputs the fuzzer found, kept as
 * regression cases) are left alone.
 */
public final class FuzzSeeds {
  /** System property that makes {@link #check} (re)write the seed files. */
  public static final String WRITE_PROPERTY = "tox.fuzz.writeSeeds";

  private FuzzSeeds() {}

  /**
   * Compares {@code seeds} (file name to content) with the committed seed files of {@code
   * testClass}'s fuzz test {@code method}, or writes them when {@value #WRITE_PROPERTY} is true.
   *
   * @throws AssertionError naming every seed that is missing or differs
   * @param testClass the fuzz test's class
   * @param method the fuzz test method's name
   * @param seeds the expected seeds by file name
   */
  public static void check(Class<?> testClass, String method, Map<String, byte[]> seeds) {
    String dir = inputsDirectory(testClass, method);
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      write(Path.of("src", "test", "resources").resolve(dir), seeds);
      return;
    }
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      byte[] committed = read(testClass, dir + "/" + seed.getKey());
      if (committed == null || !Arrays.equals(committed, seed.getValue())) {
        stale.add(seed.getKey() + (committed == null ? " (missing)" : " (differs)"));
      }
    }
    if (!stale.isEmpty()) {
      throw new AssertionError(
          "stale fuzz seeds in "
              + dir
              + ": "
              + stale
              + "; regenerate with mvn test -D"
              + WRITE_PROPERTY
              + "=true -Dtest="
              + testClass.getSimpleName());
    }
  }

  /**
   * The resource path of a fuzz test's inputs: {@code <package path>/<Class>Inputs/<method>}.
   *
   * @param testClass the fuzz test's class
   * @param method the fuzz test method's name
   * @return the resource path
   */
  public static String inputsDirectory(Class<?> testClass, String method) {
    return testClass.getPackageName().replace('.', '/')
        + "/"
        + testClass.getSimpleName()
        + "Inputs/"
        + method;
  }

  private static byte @Nullable [] read(Class<?> testClass, String resource) {
    try (InputStream in = testClass.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path dir, Map<String, byte[]> seeds) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
        Files.write(dir.resolve(seed.getKey()), seed.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
