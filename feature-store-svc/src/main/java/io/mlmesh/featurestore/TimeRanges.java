package io.mlmesh.featurestore;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;

/** The one check of [start, end) ranges given in requests. */
public final class TimeRanges {

  private TimeRanges() {
  }

  /** Throws INVALID_ARGUMENT when both bounds are set and start is not before end. */
  public static void checkOrdered(boolean hasStart, Timestamp start, boolean hasEnd,
      Timestamp end) {
    if (hasStart && hasEnd && Timestamps.compare(start, end) >= 0) {
      throw FeatureStoreException.invalidArgument("start " + Timestamps.toString(start)
          + " must be before end " + Timestamps.toString(end));
    }
  }
}
