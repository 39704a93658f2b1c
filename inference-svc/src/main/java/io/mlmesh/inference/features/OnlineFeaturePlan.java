package io.mlmesh.inference.features;

import com.google.protobuf.Timestamp;
import io.mlmesh.core.model.OnlineFeatureRef;
import io.mlmesh.featurestore.v1.EntityFeatures;
import io.mlmesh.featurestore.v1.FeatureStatus;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesRequest;
import io.mlmesh.featurestore.v1.GetOnlineFeaturesResponse;
import io.mlmesh.featurestore.v1.ViewFeatures;
import io.mlmesh.featurestore.v1.ViewLookup;
import io.mlmesh.inference.InferenceException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The online features one model reads, laid out once at load time so that a request only
 * fills arrays: every feature of every view gets a slot, and its model-input column name
 * ({@code view__feature}) maps to that slot.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class OnlineFeaturePlan {

    private final List<OnlineFeatureRef> views;
    private final int[] firstSlotOfView;
    private final String[] columnBySlot;
    private final Map<String, Integer> slotByColumn;

    private OnlineFeaturePlan(List<OnlineFeatureRef> views) {
        this.views = List.copyOf(views);
        this.firstSlotOfView = new int[views.size()];
        int slots = views.stream().mapToInt(view -> view.featureNames().size()).sum();
        this.columnBySlot = new String[slots];
        this.slotByColumn = new HashMap<>(slots * 2);
        int slot = 0;
        for (int v = 0; v < views.size(); v++) {
            firstSlotOfView[v] = slot;
            for (String feature : views.get(v).featureNames()) {
                columnBySlot[slot] = views.get(v).columnOf(feature);
                slotByColumn.put(columnBySlot[slot], slot);
                slot++;
            }
        }
    }

    public static OnlineFeaturePlan of(List<OnlineFeatureRef> views) {
        return new OnlineFeaturePlan(views);
    }

    /** The views read, in lookup order. */
    public List<OnlineFeatureRef> views() {
        return views;
    }

    public int slotCount() {
        return columnBySlot.length;
    }

    /** The slot of a model-input column, or -1 when the column is not an online feature. */
    public int slotOf(String column) {
        Integer slot = slotByColumn.get(column);
        return slot == null ? -1 : slot;
    }

    /** The {@code view__feature} name of a slot. */
    public String columnOf(int slot) {
        return columnBySlot[slot];
    }

    /**
     * The single feature store request for one prediction.
     *
     * @param entityKeys the entity key per view, null where the request gave none
     * @param asOf the time freshness is judged against, or null for now
     * @return the request, or null when no view has a key and nothing needs reading
     */
    GetOnlineFeaturesRequest requestFor(String[] entityKeys, Timestamp asOf) {
        GetOnlineFeaturesRequest.Builder request = GetOnlineFeaturesRequest.newBuilder();
        for (int v = 0; v < views.size(); v++) {
            if (entityKeys[v] != null) {
                request.addLookups(ViewLookup.newBuilder()
                        .setView(views.get(v).view())
                        .setVersion(views.get(v).version())
                        .addEntityKeys(entityKeys[v]));
            }
        }
        if (asOf != null) {
            request.setAsOf(asOf);
        }
        return request.getLookupsCount() == 0 ? null : request.build();
    }

    /** Places the answer to {@link #requestFor} into slots; what it lacks stays missing. */
    OnlineFeatures read(GetOnlineFeaturesResponse response, String[] entityKeys) {
        OnlineFeatures features = OnlineFeatures.allMissing(slotCount());
        int answered = 0;
        for (int v = 0; v < views.size(); v++) {
            if (entityKeys[v] == null) {
                continue;
            }
            if (answered >= response.getViewsCount()) {
                throw InferenceException.failedPrecondition("feature store answered "
                        + response.getViewsCount() + " views for more lookups");
            }
            fill(v, response.getViews(answered++), features);
        }
        return features;
    }

    private void fill(int view, ViewFeatures answer, OnlineFeatures features) {
        if (answer.getEntitiesCount() == 0) {
            return;
        }
        EntityFeatures entity = answer.getEntities(0);
        List<String> names = views.get(view).featureNames();
        for (int f = 0; f < names.size(); f++) {
            int index = answer.getFeatureNamesList().indexOf(names.get(f));
            if (index < 0 || index >= entity.getStatusesCount()
                    || index >= entity.getValuesCount()) {
                continue;
            }
            FeatureStatus status = entity.getStatuses(index);
            int slot = firstSlotOfView[view] + f;
            features.statuses()[slot] = status;
            if (status == FeatureStatus.FEATURE_STATUS_PRESENT) {
                features.values()[slot] = entity.getValues(index);
            }
        }
    }
}
