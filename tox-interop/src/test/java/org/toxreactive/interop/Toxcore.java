package org.toxreactive.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One c-toxcore release the interop suite runs against: where its library, headers and {@code
 * tox-bootstrapd} are, and the {@code tox_peer} built against it. Every interop test that starts a
 * c-toxcore process takes one of these (a JUnit parameter, see {@link #versions()}), so each result
 * names the version it is for.
 *
 * <p>Which versions: the system property {@value #VERSIONS_PROPERTY} (comma-separated; the parent
 * pom sets {@code 0.2.18,0.2.20}). Where a version is found:
 *
 * <ul>
 *   <li>in its own prefix {@code <home>/c-toxcore-<version>} ({@code bin/tox-bootstrapd}, {@code
 *       lib/libtoxcore.so}, {@code include/tox/tox.h}), as {@code
 *       tox-interop/scripts/build-toxcore.sh <version>} installs it; {@code <home>} is the system
 *       property {@value #HOME_PROPERTY}, else the environment variable {@code TOX_TOXCORE_CACHE},
 *       else {@code ~/.cache/tox-reactive} (the script's default);
 *   <li>otherwise the system's c-toxcore (Debian bookworm: 0.2.18), if {@code pkg-config
 *       --modversion toxcore} reports exactly that version: {@code tox-bootstrapd} from {@code
 *       PATH}.
 * </ul>
 *
 * <p>A version that is found nowhere skips the tests for it, or fails them with {@code
 * -Dtox.interop.required=true} ({@link #require()}): CI never silently runs fewer versions than it
 * was asked for. Processes of a prefixed version run with {@code LD_LIBRARY_PATH=<prefix>/lib}
 * (both releases are {@code libtoxcore.so.2}); {@code tox_peer} reports the version of the library
 * it really loaded ({@code tox_version_*}) and {@link CToxcorePeer} checks it.
 */
record Toxcore(String version, Path prefix) {
  /** The versions to run, comma-separated. */
  static final String VERSIONS_PROPERTY = "tox.interop.versions";

  /** Directory holding {@code c-toxcore-<version>} prefixes. */
  static final String HOME_PROPERTY = "tox.interop.toxcore.home";

  /** What the suite runs when {@value #VERSIONS_PROPERTY} is not set. */
  static final String DEFAULT_VERSIONS = "0.2.18,0.2.20";

  private static final Map<String, Path> PEERS = new ConcurrentHashMap<>();
  private static volatile String systemVersion;

  /** Every selected version, in the order {@value #VERSIONS_PROPERTY} lists them. */
  static List<Toxcore> selected() {
    return parse(System.getProperty(VERSIONS_PROPERTY, ""));
  }

  /** Versions from a comma-separated list (blank: {@value #DEFAULT_VERSIONS}), duplicates once. */
  static List<Toxcore> parse(String spec) {
    if (spec.isBlank()) {
      spec = DEFAULT_VERSIONS;
    }
    Map<String, Toxcore> out = new LinkedHashMap<>();
    for (String v : spec.split(",")) {
      String version = v.trim();
      if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
        throw new IllegalArgumentException(
            VERSIONS_PROPERTY + " has a bad version '" + version + "' (expected e.g. 0.2.20)");
      }
      out.putIfAbsent(version, of(version));
    }
    return List.copyOf(out.values());
  }

  /** The selected versions as a JUnit {@code @MethodSource}. */
  static Stream<Toxcore> versions() {
    return selected().stream();
  }

  /**
   * Pairs of different selected versions (older first), for mixed cases: one peer of each version
   * in the same test. Empty when only one version is selected.
   */
  static Stream<Arguments> mixedPairs() {
    return pairsOf(selected()).stream();
  }

  /** Each pair of different versions in {@code all}, the older one first. */
  static List<Arguments> pairsOf(List<Toxcore> all) {
    List<Arguments> pairs = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        Toxcore x = all.get(i);
        Toxcore y = all.get(j);
        pairs.add(compare(x.version, y.version) <= 0 ? Arguments.of(x, y) : Arguments.of(y, x));
      }
    }
    return pairs;
  }

  /** The selected versions that are at least {@code minimum} (e.g. NGC needs 0.2.19). */
  static Stream<Toxcore> atLeast(String minimum) {
    return selected().stream().filter(t -> compare(t.version, minimum) >= 0);
  }

  /** The version {@code version}: its prefix if installed there, else the system's. */
  static Toxcore of(String version) {
    Path prefix = home().resolve("c-toxcore-" + version);
    return new Toxcore(version, Files.isDirectory(prefix) ? prefix : null);
  }

  /** The system's c-toxcore, whatever its version (0.2.18 on Debian bookworm). */
  static Toxcore system() {
    String v = systemVersion();
    return new Toxcore(v == null ? "0.2.18" : v, null);
  }

  static Path home() {
    String p = System.getProperty(HOME_PROPERTY, "");
    if (p.isBlank()) {
      p = System.getenv().getOrDefault("TOX_TOXCORE_CACHE", "");
    }
    if (p.isBlank()) {
      p = Path.of(System.getProperty("user.home"), ".cache", "tox-reactive").toString();
    }
    return Path.of(p);
  }

  /** Compares dotted versions numerically. */
  static int compare(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int d =
          Integer.compare(
              i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (d != 0) {
        return d;
      }
    }
    return 0;
  }

  /** Whether this release has NGC group chats ({@code tox_group_*}, 0.2.19 and later). */
  boolean hasGroups() {
    return compare(version, "0.2.19") >= 0;
  }

  /**
   * Skips the calling test, or fails it in CI, unless this version's daemon, library and headers
   * are all present. Never returns normally when something is missing.
   */
  void require() {
    if (prefix != null) {
      for (Path p :
          List.of(
              bootstrapd(),
              prefix.resolve("lib").resolve("libtoxcore.so"),
              prefix.resolve("include").resolve("tox").resolve("tox.h"))) {
        if (!Files.exists(p)) {
          missing(p + " is missing");
        }
      }
      return;
    }
    String system = systemVersion();
    if (system == null) {
      missing("no c-toxcore in " + home() + " and pkg-config finds no system toxcore");
    } else if (!system.equals(version)) {
      missing(
          "no "
              + home().resolve("c-toxcore-" + version)
              + " and the system's c-toxcore is "
              + system);
    }
    Interop.requireTool("tox-bootstrapd");
  }

  private void missing(String what) {
    Interop.unavailable(
        "c-toxcore "
            + version
            + ": "
            + what
            + " (build it: tox-interop/scripts/build-toxcore.sh "
            + version
            + ")");
  }

  /** This version's {@code tox-bootstrapd}. */
  Path bootstrapd() {
    return prefix == null ? Path.of("tox-bootstrapd") : prefix.resolve("bin/tox-bootstrapd");
  }

  /** Environment for a process of this version: {@code LD_LIBRARY_PATH} for a prefixed one. */
  Map<String, String> environment() {
    if (prefix == null) {
      return Map.of();
    }
    String lib = prefix.resolve("lib").toString();
    String old = System.getenv("LD_LIBRARY_PATH");
    return Map.of("LD_LIBRARY_PATH", old == null || old.isEmpty() ? lib : lib + ":" + old);
  }

  /** Applies {@link #environment()} to a process about to start. */
  ProcessBuilder configure(ProcessBuilder pb) {
    pb.environment().putAll(environment());
    return pb;
  }

  /** {@code src/test/c/tox_peer.c} compiled against this version (once per JVM and version). */
  Path peerBinary() {
    return binary("tox_peer");
  }

  /**
   * {@code src/test/c/<program>.c} compiled against this version (once per JVM, version and
   * program).
   */
  Path binary(String program) {
    return binary(program, Path.of("src/test/c/" + program + ".c"));
  }

  /**
   * {@code source} (relative to this module) compiled as {@code program} against this version (once
   * per JVM, version and program), e.g. {@code ../tox-benchmarks/c/tox_transfer.c}.
   */
  Path binary(String program, Path source) {
    require();
    String cacheKey = program.equals("tox_peer") ? version : version + "/" + program;
    Path cached = PEERS.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    synchronized (PEERS) {
      cached = PEERS.get(cacheKey);
      if (cached != null) {
        return cached;
      }
      Interop.requireTool("gcc");
      List<String> flags;
      if (prefix == null) {
        Interop.requireTool("pkg-config");
        String f = run(List.of("pkg-config", "--cflags", "--libs", "toxcore"));
        if (f == null) {
          Interop.unavailable("libtoxcore-dev (pkg-config toxcore failed)");
        }
        flags = List.of(f.trim().split("\\s+"));
      } else {
        String lib = prefix.resolve("lib").toString();
        flags =
            List.of("-I" + prefix.resolve("include"), "-L" + lib, "-Wl,-rpath," + lib, "-ltoxcore");
      }
      Path out;
      try {
        out = Files.createTempDirectory(program + "-" + version).resolve(program);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "gcc", "-O2", "-Wall", "-o", out.toString(), source.toAbsolutePath().toString()));
      cmd.addAll(flags);
      String log = run(cmd);
      if (log == null) {
        throw new IllegalStateException(
            "gcc failed to build "
                + program
                + ".c for c-toxcore "
                + version
                + ": "
                + String.join(" ", cmd)
                + "\n"
                + lastOutput);
      }
      PEERS.put(cacheKey, out);
      return out;
    }
  }

  private static volatile String lastOutput = "";

  /** {@code pkg-config --modversion toxcore}, or null without a system c-toxcore. */
  private static String systemVersion() {
    String v = systemVersion;
    if (v == null) {
      String out = run(List.of("pkg-config", "--modversion", "toxcore"));
      v = out == null ? "" : out.trim();
      systemVersion = v;
    }
    return v.isEmpty() ? null : v;
  }

  private static String run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try {
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        lastOutput = text;
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          return null;
        }
        return text;
      } finally {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      lastOutput = e.toString();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The display name in test reports: {@code c-toxcore 0.2.20}. */
  @Override
  public String toString() {
    return "c-toxcore " + version;
  }
}
