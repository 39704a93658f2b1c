package io.mlmesh.registry.store;

import java.util.regex.Pattern;

/** Validation of model and alias names. */
public final class Names {

  /** Longest accepted model or alias name, in characters. */
  public static final int MAX_NAME_LENGTH = 128;

  private static final Pattern VALID_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_NAME_LENGTH - 1) + "}");

  private Names() {}

  /**
   * Returns {@code name} when it is a valid model or alias name.
   *
   * @param field the request field, named in the error message
   * @throws RegistryException INVALID_ARGUMENT when empty or malformed
   */
  public static String requireValid(String field, String name) {
    if (name.isEmpty()) {
      throw RegistryException.invalid(field + ": must not be empty");
    }
    if (!VALID_NAME.matcher(name).matches()) {
      throw RegistryException.invalid(String.format(
          "%s: '%s' is not a valid name (letters, digits, '-', '_' and '.', starting with a"
              + " letter or digit, at most %d characters)", field, name, MAX_NAME_LENGTH));
    }
    return name;
  }
}
