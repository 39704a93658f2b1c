package io.mlmesh.registry.auth;

import java.util.Locale;

/** What a token may do; each role includes those below it. */
public enum Role {
  /** Reads; needs no token. */
  READER,
  /** Creates models, registers versions, moves and deletes aliases, deletes versions. */
  WRITER,
  /** Deletes models, backs up and restores the registry. */
  ADMIN;

  /** True when this role includes {@code needed}. */
  public boolean includes(Role needed) {
    return compareTo(needed) >= 0;
  }

  /** The role's name as written in messages, lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
