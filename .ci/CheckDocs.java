import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's documentation checks, run by the parent POM in {@code verify} (java's
 * single-file launcher: {@code java .ci/CheckDocs.java [repo root]}); one line per problem, exit
 * status 1 if there is any.
 *
 * <ol>
 *   <li>Every package under {@code src/main/java} of a library module has a {@code
 *       package-info.java} with a javadoc comment and JSpecify's {@code @NullMarked}.
 *   <li>Every Markdown link ({@code [text](target)}) in a {@code .md} file resolves inside the
 *       repository: the file exists and, for {@code #anchor}, so does the heading.
 *   <li>Nothing links outside the repository: no {@code http(s)://} address other than loopback
 *       in {@code .md} and {@code .java} files.
 *   <li>Every Markdown file name a source file or document mentions exists, and every section it
 *       cites as {@code protocol.md 4.7} (or {@code architecture.md 3}) is a heading there.
 * </ol>
 */
public final class CheckDocs {
  /** Programs and test-only modules: not published as libraries, so no package-info needed. */
  private static final Set<String> NOT_LIBRARIES =
      Set.of("tox-examples", "tox-benchmarks", "tox-interop", "tox-app-tests");

  /**
   * Documents outside the repository that docs/protocol.md names as its sources (by name, never
   * linked): not expected to exist here.
   */
  private static final Set<String> EXTERNAL_SOURCES = Set.of("spec.md");

  private static final Pattern MD_LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern URL = Pattern.compile("https?://([\\w.\\-]+|\\[[0-9a-fA-F:]+\\])");
  private static final Pattern MD_NAME = Pattern.compile("(?<![\\w/.\\-])([\\w./\\-]*[\\w\\-]\\.md)\\b");
  private static final Pattern SECTION =
      Pattern.compile(
          "\\b(protocol|architecture)\\.md(?:,)?\\s+(?:sections?\\s+|§\\s*)?(\\d+(?:\\.\\d+)*)\\b");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*$");

  private final Path root;
  private final List<String> problems = new ArrayList<>();
  private final Map<Path, Set<String>> anchors = new TreeMap<>();
  private final Map<Path, Set<String>> sections = new TreeMap<>();

  private CheckDocs(Path root) {
    this.root = root;
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    CheckDocs c = new CheckDocs(root);
    c.packageInfos();
    List<Path> files = c.files();
    for (Path f : files) {
      String text = Files.readString(f);
      if (f.toString().endsWith(".md")) {
        c.markdownLinks(f, text);
      }
      c.urls(f, text);
      c.mdNames(f, text);
    }
    if (c.problems.isEmpty()) {
      System.out.println("CheckDocs: " + files.size() + " files, no problems");
      return;
    }
    c.problems.forEach(System.out::println);
    System.out.println("CheckDocs: " + c.problems.size() + " problem(s)");
    System.exit(1);
  }

  /** The .md and .java files of the repository, build output and VCS metadata left out. */
  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !skipped(root.relativize(p)))
          .filter(p -> p.toString().endsWith(".md") || p.toString().endsWith(".java"))
          .sorted()
          .toList();
    }
  }

  private static boolean skipped(Path rel) {
    for (Path part : rel) {
      String n = part.toString();
      if (n.equals("target") || n.startsWith(".git") || n.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  private void problem(Path file, int line, String what) {
    problems.add(root.relativize(file) + ":" + line + ": " + what);
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  // 1. package-info.java with javadoc and @NullMarked in every package of every library module
  private void packageInfos() throws IOException {
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.sorted().toList()) {
        Path src = module.resolve("src/main/java");
        if (!Files.isDirectory(src) || NOT_LIBRARIES.contains(module.getFileName().toString())) {
          continue;
        }
        Set<Path> packages = new HashSet<>();
        try (Stream<Path> s = Files.walk(src)) {
          s.filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.getFileName().toString().equals("package-info.java"))
              .forEach(p -> packages.add(p.getParent()));
        }
        for (Path pkg : packages.stream().sorted().toList()) {
          Path info = pkg.resolve("package-info.java");
          String name = src.relativize(pkg).toString().replace('/', '.');
          if (!Files.isRegularFile(info)) {
            problem(pkg, 0, "package " + name + " has no package-info.java");
            continue;
          }
          String text = Files.readString(info);
          if (!text.contains("/**")) {
            problem(info, 1, "package-info.java of " + name + " has no javadoc comment");
          }
          if (!text.contains("@NullMarked")) {
            problem(info, 1, "package " + name + " is not @NullMarked");
          }
        }
      }
    }
  }

  // 2. Markdown links resolve inside the repository
  private void markdownLinks(Path file, String text) {
    Matcher m = MD_LINK.matcher(text);
    while (m.find()) {
      String target = m.group(1);
      int line = lineOf(text, m.start());
      if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        if (!target.startsWith("http://127.0.0.1") && !target.startsWith("http://localhost")) {
          problem(file, line, "link outside the repository: " + target);
        }
        continue;
      }
      int hash = target.indexOf('#');
      String path = hash < 0 ? target : target.substring(0, hash);
      String anchor = hash < 0 ? null : target.substring(hash + 1);
      Path dest = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
      if (!dest.startsWith(root)) {
        problem(file, line, "link leaves the repository: " + target);
        continue;
      }
      if (!Files.exists(dest)) {
        problem(file, line, "link to a missing file: " + target);
        continue;
      }
      if (anchor != null && dest.toString().endsWith(".md") && !anchors(dest).contains(anchor)) {
        problem(file, line, "link to a missing heading: " + target);
      }
    }
  }

  // 3. no addresses outside the repository (loopback is a test's own machine)
  private void urls(Path file, String text) {
    Matcher m = URL.matcher(text);
    while (m.find()) {
      String host = m.group(1).toLowerCase(Locale.ROOT);
      if (host.equals("127")
          || host.startsWith("127.")
          || host.equals("localhost")
          || host.equals("[::1]")
          || host.endsWith(".invalid")) {
        continue;
      }
      problem(file, lineOf(text, m.start()), "address outside the repository: " + m.group());
    }
  }

  // 4. named .md files exist, cited sections exist
  private void mdNames(Path file, String text) {
    Matcher m = MD_NAME.matcher(text);
    while (m.find()) {
      String name = m.group(1);
      if (EXTERNAL_SOURCES.contains(name) || resolveMd(file, name) != null) {
        continue;
      }
      problem(file, lineOf(text, m.start()), "names a file not in the repository: " + name);
    }
    Matcher s = SECTION.matcher(text);
    while (s.find()) {
      Path doc = root.resolve("docs/" + s.group(1) + ".md");
      if (Files.isRegularFile(doc) && !sections(doc).contains(s.group(2))) {
        problem(
            file,
            lineOf(text, s.start()),
            "cites a section that docs/" + s.group(1) + ".md does not have: " + s.group());
      }
    }
  }

  /** {@code name} relative to the file, its module, the repository root or docs/; or null. */
  private Path resolveMd(Path file, String name) {
    List<Path> bases = new ArrayList<>();
    bases.add(file.getParent());
    Path rel = root.relativize(file);
    if (rel.getNameCount() > 1) {
      bases.add(root.resolve(rel.getName(0)));
    }
    bases.add(root);
    bases.add(root.resolve("docs"));
    for (Path b : bases) {
      Path p = b.resolve(name).normalize();
      if (p.startsWith(root) && Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private Set<String> anchors(Path md) {
    return anchors.computeIfAbsent(
        md,
        p -> {
          Set<String> out = new HashSet<>();
          Map<String, Integer> seen = new TreeMap<>();
          for (String h : headings(p)) {
            String slug =
                h.toLowerCase(Locale.ROOT)
                    .replaceAll("[`*_]", "")
                    .replaceAll("[^\\p{L}\\p{N} \\-]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
          }
          return out;
        });
  }

  /** The section numbers ("4", "4.7") that headings of {@code md} start with. */
  private Set<String> sections(Path md) {
    return sections.computeIfAbsent(
        md,
        p -> {
          Set<String> out = new HashSet<>();
          for (String h : headings(p)) {
            Matcher m = Pattern.compile("^(\\d+(?:\\.\\d+)*)\\b").matcher(h);
            if (m.find()) {
              out.add(m.group(1));
            }
          }
          return out;
        });
  }

  private static List<String> headings(Path md) {
    List<String> out = new ArrayList<>();
    boolean fence = false;
    try {
      for (String line : Files.readAllLines(md)) {
        if (line.startsWith("```")) {
          fence = !fence;
          continue;
        }
        Matcher m = HEADING.matcher(line);
        if (!fence && m.matches()) {
          out.add(m.group(1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
