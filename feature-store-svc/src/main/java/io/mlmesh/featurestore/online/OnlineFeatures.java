package io.mlmesh.featurestore.online;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.featurestore.FeatureStoreException;
import io.mlmesh.featurestore.catalog.Catalog;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.FeatureView;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.ViewFeatures;
import io.mlmesh.featurestore.v1.ViewLookup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Serves online feature values with a status per value, for many views and entities in one
 * online store read.
 *
 * <p>Statuses, judged against {@code as_of} (now when unset): no stored value, or one whose event
 * time is after {@code as_of}, is MISSING; a value older than the view's TTL ({@code as_of -
 * event_time > ttl}) is OUTSIDE_MAX_AGE; otherwise each value is PRESENT, or MISSING where it is
 * NaN. Values are NaN wherever the status is not PRESENT. These are the rules the training set
 * join applies, so a served row equals the training row at the same time (offline/online parity).
 * Thread-safe.
 */
public final class OnlineFeatures {

  private static final int MAX_KEYS = 100_000;

  private final Catalog catalog;
  private final OnlineStore onlineStore;
  private final Clock clock;

  public OnlineFeatures(Catalog catalog, OnlineStore onlineStore, Clock clock) {
    this.catalog = catalog;
    this.onlineStore = onlineStore;
    this.clock = clock;
  }

  /**
   * Reads without blocking: the views are resolved from the catalog's memory, the values come in
   * one online store read, and the response is built when that read completes (on the store's
   * I/O thread). Throws NOT_FOUND for an unknown view and INVALID_ARGUMENT above
   * {@value #MAX_KEYS} keys at once; a store failure completes the stage exceptionally.
   */
  public CompletionStage<GetOnlineFeaturesResponse> read(GetOnlineFeaturesRequest request) {
    List<FeatureView> views = resolveViews(request);
    long asOfMicros = request.hasAsOf()
        ? Timestamps.toMicros(request.getAsOf())
        : clock.millis() * 1000;

    List<OnlineKey> keys = new ArrayList<>();
    for (int i = 0; i < views.size(); i++) {
      FeatureView view = views.get(i);
      for (String entity : request.getLookups(i).getEntityKeysList()) {
        keys.add(new OnlineKey(view.getSpec().getName(), view.getVersion(), entity));
      }
    }
    return onlineStore.readAll(keys)
        .thenApply(stored -> response(request, views, stored.iterator(), asOfMicros));
  }

  private static GetOnlineFeaturesResponse response(GetOnlineFeaturesRequest request,
      List<FeatureView> views, Iterator<Optional<OnlineValue>> values, long asOfMicros) {
    GetOnlineFeaturesResponse.Builder response = GetOnlineFeaturesResponse.newBuilder();
    for (int i = 0; i < views.size(); i++) {
      response.addViews(viewFeatures(views.get(i), request.getLookups(i), values, asOfMicros));
    }
    return response.build();
  }

  private List<FeatureView> resolveViews(GetOnlineFeaturesRequest request) {
    List<FeatureView> views = new ArrayList<>();
    long keyCount = 0;
    for (int i = 0; i < request.getLookupsCount(); i++) {
      ViewLookup lookup = request.getLookups(i);
      String field = "lookups[" + i + "].view";
      views.add(catalog.findView(lookup.getView(), lookup.getVersion())
          .orElseThrow(() -> FeatureStoreException.notFound(field + " '" + lookup.getView()
              + "'" + (lookup.getVersion() == 0 ? "" : " version " + lookup.getVersion())
              + " does not exist")));
      keyCount += lookup.getEntityKeysCount();
    }
    if (keyCount > MAX_KEYS) {
      throw FeatureStoreException.invalidArgument("lookups hold " + keyCount
          + " entity keys; at most " + MAX_KEYS + " are served per request");
    }
    return views;
  }

  private static ViewFeatures viewFeatures(FeatureView view, ViewLookup lookup,
      Iterator<Optional<OnlineValue>> values, long asOfMicros) {
    ViewFeatures.Builder features = ViewFeatures.newBuilder()
        .setView(view.getSpec().getName())
        .setVersion(view.getVersion())
        .addAllFeatureNames(view.getFeatureNamesList());
    long ttlMicros = Durations.toMicros(view.getSpec().getTtl());
    for (String entity : lookup.getEntityKeysList()) {
      features.addEntities(entityFeatures(view.getFeatureNamesCount(), entity, values.next(),
          asOfMicros, ttlMicros));
    }
    return features.build();
  }

  private static EntityFeatures entityFeatures(int featureCount, String entity,
      Optional<OnlineValue> stored, long asOfMicros, long ttlMicros) {
    EntityFeatures.Builder features = EntityFeatures.newBuilder().setEntityKey(entity);
    if (stored.isEmpty() || stored.get().eventTimeMicros() > asOfMicros) {
      return fill(features, featureCount, FeatureStatus.FEATURE_STATUS_MISSING).build();
    }
    OnlineValue value = stored.get();
    features.setEventTime(Timestamps.fromMicros(value.eventTimeMicros()));
    if (asOfMicros - value.eventTimeMicros() > ttlMicros) {
      return fill(features, featureCount, FeatureStatus.FEATURE_STATUS_OUTSIDE_MAX_AGE).build();
    }
    for (double feature : value.values()) {
      boolean present = !Double.isNaN(feature);
      features.addValues(feature).addStatuses(present
          ? FeatureStatus.FEATURE_STATUS_PRESENT
          : FeatureStatus.FEATURE_STATUS_MISSING);
    }
    return features.build();
  }

  private static EntityFeatures.Builder fill(EntityFeatures.Builder features, int featureCount,
      FeatureStatus status) {
    for (int i = 0; i < featureCount; i++) {
      features.addValues(Double.NaN).addStatuses(status);
    }
    return features;
  }
}
