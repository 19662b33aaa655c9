package org.toxreactive.benchmarks.abuse;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One abuse case: a canary starts against the target, the attack runs for {@code --seconds} on the
 * calling thread (single-threaded, bounded in count and time), the canary goes on for {@code
 * --after} seconds, then the case prints its figures, one {@code CHECK} line per threshold and the
 * {@code CASE name ... verdict=PASS|FAIL} line. Exit code 0 if it held, 1 if not, 2 on bad options.
 * A watchdog ends the process if the case overruns its time by a minute, whatever the target does.
 */
abstract class AbuseCase implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "How long the attack runs (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--after",
      defaultValue = "3",
      description = "Seconds the canary goes on after the attack (default: ${DEFAULT-VALUE}).")
  double after;

  @Option(
      names = "--target-pid",
      paramLabel = "PID",
      description = "The target's process id: its VmRSS is sampled (start, peak, end).")
  Long targetPid;

  @Option(
      names = "--rss-budget-mb",
      defaultValue = "200",
      description = "Most the target's RSS may grow above its start (default: ${DEFAULT-VALUE}).")
  double rssBudgetMb;

  @Option(
      names = "--canary-min",
      paramLabel = "PERCENT",
      description = "Least share of canary probes served during the attack (default: the case's).")
  Double canaryMin;

  @Option(
      names = "--canary-interval-ms",
      defaultValue = "20",
      description = "Time between canary probes (default: ${DEFAULT-VALUE}).")
  long canaryIntervalMs;

  /** The case's name on its CASE line. */
  abstract String caseName();

  /** The canary threshold unless {@code --canary-min} is given. */
  double defaultCanaryMin() {
    return 95;
  }

  /** Checks the options; returns an error message or null. */
  String validate() {
    if (!(seconds > 0) || seconds > 3600 || after < 0 || after > 600) {
      return "--seconds must be in (0, 3600], --after in [0, 600]";
    }
    if (canaryIntervalMs < 1 || rssBudgetMb <= 0) {
      return "--canary-interval-ms must be >= 1, --rss-budget-mb > 0";
    }
    return null;
  }

  /** Before the canary starts (baseline metrics, setup the attack needs). */
  void prepare(Outcome o) throws Exception {}

  /** Opens and starts the canary; it runs at most {@code maxRun}. */
  abstract Canary openCanary(Duration maxRun) throws Exception;

  /** Runs the attack until {@code deadline} (System.nanoTime), on this thread. */
  abstract void attack(long deadline, Outcome o) throws Exception;

  /** After the canary stopped: the case's own figures and checks. */
  void judge(Outcome o, Canary.Stats canary) throws Exception {}

  Duration interval() {
    return Duration.ofMillis(canaryIntervalMs);
  }

  @Override
  public final Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String bad = validate();
    if (bad != null) {
      spec.commandLine().getErr().println("abuse " + caseName() + ": " + bad);
      spec.commandLine().getErr().flush();
      return 2;
    }
    long budget = (long) ((seconds + after + 60) * 1000) + 60_000;
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(budget);
                System.err.println("abuse " + caseName() + ": overran its time, exiting");
                System.exit(3);
              } catch (InterruptedException e) {
                // finished in time
              }
            },
            "abuse-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Outcome o = new Outcome(caseName());
    try (Rss rss = Rss.start(targetPid)) {
      prepare(o);
      Duration maxRun = Duration.ofMillis((long) ((seconds + after + 5) * 1000));
      Canary canary;
      try {
        canary = openCanary(maxRun);
      } catch (Exception e) {
        o.check("canary_setup", false, oneLine(e));
        return finish(out, o.rss(rss, rssBudgetMb), watchdog);
      }
      try {
        Thread.sleep(500); // the canary's first probes show it works before the attack
        canary.attackStarted();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        try {
          attack(deadline, o);
        } catch (Exception e) {
          o.put("attack_error", oneLine(e));
        }
        canary.attackEnded();
        Thread.sleep((long) (after * 1000));
        Canary.Stats s = canary.stats();
        o.canary("canary", s, canaryMin != null ? canaryMin : defaultCanaryMin());
        o.put("canary_recovery_ms", s.recoveryMs());
        o.rss(rss, rssBudgetMb);
        judge(o, s);
      } finally {
        canary.close();
      }
    }
    return finish(out, o, watchdog);
  }

  private static int finish(PrintWriter out, Outcome o, Thread watchdog) {
    o.checkLines().forEach(out::println);
    out.println(o.line());
    out.flush();
    watchdog.interrupt();
    return o.passed() ? 0 : 1;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ":" + m.lines().findFirst().orElse(""));
  }
}
