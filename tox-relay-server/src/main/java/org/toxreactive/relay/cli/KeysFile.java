package org.toxreactive.relay.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.toxreactive.core.KeyPair;

/**
 * The relay identity on disk, in tox-bootstrapd's format (64 raw bytes: public key then secret
 * key), so an operator can move a relay identity between the two unchanged.
 */
public final class KeysFile {
  private KeysFile() {}

  /** Loads {@code file}, or creates it (mode 0600, parents too) with a new key pair if missing. */
  public static KeyPair loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    KeyPair kp = KeyPair.generate();
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
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
    }
    Files.write(file, kp.toKeysFile(), StandardOpenOption.TRUNCATE_EXISTING);
    return kp;
  }

  /**
   * Loads an existing keys file; a wrong size or mismatched halves is an error, never overwritten.
   */
  public static KeyPair load(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    try {
      return KeyPair.fromKeysFile(content);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("keys file " + file + ": " + e.getMessage(), e);
    }
  }
}
