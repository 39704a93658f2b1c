package io.mlmesh.featurestore.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every online store must do; each implementation's test extends this. */
abstract class OnlineStoreContract {

  private static final OnlineKey ORD = new OnlineKey("view", 1, "ORD");
  private static final OnlineKey ATL = new OnlineKey("view", 1, "ATL");

  private OnlineStore store;

  /** A new, empty store. */
  abstract OnlineStore openStore();

  /** Removes what the store left outside this process, after it is closed. */
  abstract void cleanUp();

  @BeforeEach
  void open() {
    store = openStore();
  }

  @AfterEach
  void close() {
    store.close();
    cleanUp();
  }

  OnlineStore store() {
    return store;
  }

  private List<Optional<OnlineValue>> read(List<OnlineKey> keys) {
    return store.readAll(keys).toCompletableFuture().join();
  }

  @Test
  void writeIfNewer_newThenSameThenOlder_writesOnlyTheFirst() {
    OnlineValue newer = new OnlineValue(2_000_000, new double[] {2});

    int first = store().writeIfNewer(List.of(new OnlineStore.Entry(ORD, newer)));
    int same = store().writeIfNewer(List.of(new OnlineStore.Entry(ORD, newer)));
    int older = store().writeIfNewer(
        List.of(new OnlineStore.Entry(ORD, new OnlineValue(1_000_000, new double[] {1}))));

    assertEquals(List.of(1, 0, 0), List.of(first, same, older));
    assertArrayEquals(new double[] {2}, read(List.of(ORD)).get(0).orElseThrow()
        .values());
  }

  @Test
  void writeIfNewer_beforeEpochThenAfter_comparesSignedTimes() {
    OnlineValue before = new OnlineValue(-5_000_000, new double[] {1});
    OnlineValue after = new OnlineValue(3_000_000, new double[] {3});

    int written = store().writeIfNewer(List.of(new OnlineStore.Entry(ATL, before)))
        + store().writeIfNewer(List.of(new OnlineStore.Entry(ATL, after)))
        + store().writeIfNewer(List.of(new OnlineStore.Entry(ATL, before)));

    assertEquals(2, written);
    assertEquals(3_000_000, read(List.of(ATL)).get(0).orElseThrow()
        .eventTimeMicros());
  }

  @Test
  void readAll_storedAndUnknownKeys_valuesInKeyOrder() {
    store().writeIfNewer(List.of(new OnlineStore.Entry(ORD,
        new OnlineValue(7, new double[] {Double.NaN, 4}))));

    List<Optional<OnlineValue>> values =
        read(List.of(new OnlineKey("view", 2, "ORD"), ORD));

    assertTrue(values.get(0).isEmpty());
    assertEquals(7, values.get(1).orElseThrow().eventTimeMicros());
    assertTrue(Double.isNaN(values.get(1).orElseThrow().values()[0]));
  }
}
