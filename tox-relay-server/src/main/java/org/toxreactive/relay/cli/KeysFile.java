package org.toxreactive.relay.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import org.toxreactive.core.KeyPair;

/**
 * The relay identity on disk, in tox-bootstrapd's format (64 raw bytes: public key then secret
 * key), so an operator can move a relay identity between the two unchanged.
 *
 * <p>Every problem is a {@link KeysFileException} with one line naming the path and the reason: a
 * directory where the file should be, no permission, a wrong size, or a missing parent directory (a
 * mistyped path is not taken as a request for a new identity).
 */
public final class KeysFile {
  private KeysFile() {}

  /** A keys file that cannot be used; the message names the path and the reason. */
  public static final class KeysFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    KeysFileException(Path file, String reason) {
      super("keys file " + file + ": " + reason);
    }
  }

  /**
   * Loads {@code file}, or creates it (mode 0600) with a new key pair if it is missing and its
   * directory exists.
   *
   * @param file the keys file (64 bytes, tox-bootstrapd layout)
   * @return the key pair read or created
   */
  public static KeyPair loadOrCreate(Path file) {
    if (Files.exists(file)) {
      return load(file);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new KeysFileException(
          file,
          "directory "
              + parent
              + (Files.exists(parent) ? " is not a directory" : " does not exist")
              + " (check the path; only the file itself is created)");
    }
    KeyPair kp = KeyPair.generate();
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException raced) {
      return load(file);
    } catch (IOException e) {
      throw new KeysFileException(file, "cannot create: " + reason(e));
    }
    try {
      Files.write(file, kp.toKeysFile(), StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new KeysFileException(file, "cannot write: " + reason(e));
    }
    return kp;
  }

  /**
   * Loads an existing keys file; a wrong size or mismatched halves is an error, never overwritten.
   *
   * @param file the keys file
   * @return the key pair it holds
   */
  public static KeyPair load(Path file) {
    if (Files.isDirectory(file)) {
      throw new KeysFileException(file, "is a directory (give the path of the file inside it)");
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new KeysFileException(file, "cannot read: " + reason(e));
    }
    try {
      return KeyPair.fromKeysFile(content);
    } catch (IllegalArgumentException e) {
      // "keys file must be exactly 64 bytes ...": the path already says it is the keys file
      String m = Objects.requireNonNullElse(e.getMessage(), "keys file is not valid");
      throw new KeysFileException(file, m.replaceFirst("^keys file ", ""));
    }
  }

  /** The reason of a file error in words: "permission denied", "no such file". */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    String m = e.getMessage();
    String file = e instanceof java.nio.file.FileSystemException f ? f.getFile() : null;
    if (m != null && file != null && m.startsWith(file + ": ")) {
      m = m.substring(file.length() + 2);
    }
    return m == null ? e.getClass().getSimpleName() : RelayConfig.oneLine(m);
  }
}
