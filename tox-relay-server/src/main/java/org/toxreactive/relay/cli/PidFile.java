package org.toxreactive.relay.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The relay's process id in a file (one decimal line), for init scripts and monitoring. It is
 * created when the relay starts, never over an existing one (a running relay's, or a stale one left
 * by a crash: the operator removes it), and removed on a clean stop.
 */
final class PidFile {
  private final Path file;

  private PidFile(Path file) {
    this.file = file;
  }

  /** A pid file could not be created; the message names the path and the reason. */
  static final class PidFileException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PidFileException(Path file, String reason) {
      super("pid file " + file + ": " + reason);
    }
  }

  /**
   * Writes this process's pid to {@code file}, which must not exist.
   *
   * @throws PidFileException it exists (naming the pid in it and whether that process runs), or it
   *     cannot be written
   */
  static PidFile create(Path file) {
    if (Files.exists(file)) {
      throw new PidFileException(file, "already exists (" + holder(file) + ")");
    }
    try {
      Files.writeString(
          file,
          ProcessHandle.current().pid() + "\n",
          StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new PidFileException(file, "cannot create: " + KeysFile.reason(e));
    }
    return new PidFile(file);
  }

  private static String holder(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException | RuntimeException e) {
      return "unreadable; remove it if no relay runs";
    }
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return "it does not hold a pid; remove it if no relay runs";
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        ? "process " + pid + " is running: is a relay already started?"
        : "stale: process " + pid + " is not running; remove the file";
  }

  Path path() {
    return file;
  }

  /** Removes the file if it still holds this process's pid. */
  void delete() {
    try {
      if (Files.readString(file, StandardCharsets.US_ASCII)
          .strip()
          .equals(String.valueOf(ProcessHandle.current().pid()))) {
        Files.delete(file);
      }
    } catch (IOException e) {
      // gone already, or not ours: leave it
    }
  }
}
