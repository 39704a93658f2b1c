package io.mlmesh.featurestore.catalog;

import io.mlmesh.featurestore.FeatureStoreException;
import java.util.regex.Pattern;

/** The one rule for names of sources, views and features. */
public final class Names {

  private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  private Names() {
  }

  /** Throws INVALID_ARGUMENT naming {@code field} unless {@code name} follows the rule. */
  public static void check(String field, String name) {
    if (!NAME_PATTERN.matcher(name).matches()) {
      throw FeatureStoreException.invalidArgument(field + " '" + name
          + "' must be letters, digits and underscores, starting with a letter");
    }
  }
}
