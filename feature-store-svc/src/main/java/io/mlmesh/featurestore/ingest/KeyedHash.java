package io.mlmesh.featurestore.ingest;

import io.mlmesh.featurestore.catalog.DuckDb;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.duckdb.DuckDBFunctions;

/**
 * HMAC-SHA-256 of text under the service's key, callable from DuckDB SQL as {@value #FUNCTION}.
 *
 * <p>DuckDB has SHA-256 but no HMAC, and building HMAC in SQL would put the key into the
 * statement text, where a failing statement could echo it into a log. A Java scalar function
 * keeps the key inside the JVM: registered once on the database, it is visible to every
 * connection. DuckDB may call it from several of its threads at once, so each thread keeps its
 * own {@link Mac}. NULL in gives NULL out.
 */
public final class KeyedHash {

  /** The DuckDB function: VARCHAR to lower-case hex VARCHAR. */
  public static final String FUNCTION = "mlmesh_keyed_hash";

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private KeyedHash(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Registers {@value #FUNCTION} with {@code key} (UTF-8 bytes) on the database. */
  public static void register(DuckDb duckDb, String key) {
    KeyedHash hash = new KeyedHash(key.getBytes(StandardCharsets.UTF_8));
    try (Connection connection = duckDb.connect()) {
      DuckDBFunctions.scalarFunction()
          .withName(FUNCTION)
          .withParameter(String.class)
          .withReturnType(String.class)
          .withNullInNullOut()
          .withFunction(hash::hex)
          .register(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot register the DuckDB function " + FUNCTION, e);
    }
  }

  private String hex(String text) {
    return HexFormat.of().formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks " + ALGORITHM, e);
    }
  }
}
