package io.mlmesh.monitor.feedback;

import com.google.protobuf.InvalidProtocolBufferException;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.mlmesh.monitor.v1.PredictionLogEntry;
import io.mlmesh.monitor.v1.RecordOutcomeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Predictions and outcomes in Redis, so that they outlive a monitor restart:
 * <ul>
 *   <li>{@code <prefix>prediction:<request id>}: the serialized {@link PredictionLogEntry};
 *   <li>{@code <prefix>outcome:<request id>}: the serialized {@link RecordOutcomeRequest};
 *   <li>{@code <prefix>joined:<model>}: the set of request ids that have both;
 *   <li>{@code <prefix>versions:<model>}: the set of versions with a logged prediction, so
 *       that a model nothing was logged for can be told from one without outcomes yet.
 * </ul>
 * Each key expires {@code retention} after its last write.
 *
 * <p>Idempotence: both records are written with SET NX, so the first copy of a prediction or
 * an outcome wins and a repeat changes nothing. Join without lost rows: each side first writes
 * its own record, then looks for the other's. Redis runs commands one at a time, so whichever
 * side writes second sees both and adds the id to the joined set (both may add it: a set
 * ignores the repeat). No transaction is needed.
 *
 * <p>Thread-safe: the Lettuce connection is, and the store keeps no other state.
 */
public final class FeedbackStore {

    private static final int READ_CHUNK = 512;

    private final RedisCommands<String, byte[]> commands;
    private final String prefix;
    private final Duration retention;
    private final SetArgs createOnly;

    FeedbackStore(RedisCommands<String, byte[]> commands, String prefix, Duration retention) {
        this.commands = commands;
        this.prefix = prefix;
        this.retention = retention;
        this.createOnly = SetArgs.Builder.nx().px(retention.toMillis());
    }

    /**
     * Stores a consumed prediction and joins it with an outcome recorded before it.
     *
     * @return whether it was new (false: a copy of one stored before)
     */
    boolean storePrediction(PredictionLogEntry entry) {
        String requestId = entry.getRequestId();
        markVersionLogged(entry.getModel(), entry.getVersion());
        boolean stored = commands.set(predictionKey(requestId), entry.toByteArray(),
                createOnly) != null;

        if (commands.exists(outcomeKey(requestId)) > 0) {
            join(entry.getModel(), requestId);
        }
        return stored;
    }

    /**
     * Records an outcome and joins it with its prediction if that has arrived.
     *
     * @param outcome the outcome, its time set
     * @throws OutcomeConflictException when the id already has a different label
     */
    OutcomeResult recordOutcome(RecordOutcomeRequest outcome) {
        String requestId = outcome.getRequestId();
        boolean stored = commands.set(outcomeKey(requestId), outcome.toByteArray(),
                createOnly) != null;
        if (!stored) {
            checkSameLabel(requestId, outcome.getLabel());
        }

        byte[] prediction = commands.get(predictionKey(requestId));
        if (prediction != null) {
            join(parsePrediction(prediction).getModel(), requestId);
        }
        return new OutcomeResult(prediction != null, !stored);
    }

    /** The joined rows of a model, ordered by request id; rows whose keys expired are left out. */
    List<JoinedRow> joinedRows(String model) {
        String joinedKey = joinedKey(model);
        Set<byte[]> members = commands.smembers(joinedKey);
        List<String> requestIds = members.stream()
                .map(member -> new String(member, StandardCharsets.UTF_8))
                .sorted(Comparator.naturalOrder())
                .toList();

        List<JoinedRow> rows = new ArrayList<>(requestIds.size());
        for (int start = 0; start < requestIds.size(); start += READ_CHUNK) {
            readChunk(requestIds.subList(start,
                    Math.min(requestIds.size(), start + READ_CHUNK)), joinedKey, rows);
        }
        return rows;
    }

    /** The versions of a model with a prediction logged within the retention. */
    Set<Long> loggedVersions(String model) {
        return commands.smembers(versionsKey(model)).stream()
                .map(member -> Long.parseLong(new String(member, StandardCharsets.UTF_8)))
                .collect(Collectors.toSet());
    }

    private void readChunk(List<String> requestIds, String joinedKey, List<JoinedRow> rows) {
        List<KeyValue<String, byte[]>> predictions = commands.mget(
                requestIds.stream().map(this::predictionKey).toArray(String[]::new));
        List<KeyValue<String, byte[]>> outcomes = commands.mget(
                requestIds.stream().map(this::outcomeKey).toArray(String[]::new));

        for (int i = 0; i < requestIds.size(); i++) {
            if (!predictions.get(i).hasValue() || !outcomes.get(i).hasValue()) {
                commands.srem(joinedKey,
                        requestIds.get(i).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            rows.add(new JoinedRow(parsePrediction(predictions.get(i).getValue()),
                    parseOutcome(outcomes.get(i).getValue())));
        }
    }

    private void checkSameLabel(String requestId, int label) {
        byte[] recorded = commands.get(outcomeKey(requestId));
        if (recorded == null) {
            return;
        }

        int recordedLabel = parseOutcome(recorded).getLabel();
        if (recordedLabel != label) {
            throw new OutcomeConflictException(requestId, recordedLabel, label);
        }
    }

    /** Before the prediction itself, so a stored prediction always has its version marked. */
    private void markVersionLogged(String model, long version) {
        String versionsKey = versionsKey(model);
        commands.sadd(versionsKey, Long.toString(version).getBytes(StandardCharsets.UTF_8));
        commands.pexpire(versionsKey, retention.toMillis());
    }

    private void join(String model, String requestId) {
        String joinedKey = joinedKey(model);
        commands.sadd(joinedKey, requestId.getBytes(StandardCharsets.UTF_8));
        commands.pexpire(joinedKey, retention.toMillis());
    }

    private String predictionKey(String requestId) {
        return prefix + "prediction:" + requestId;
    }

    private String outcomeKey(String requestId) {
        return prefix + "outcome:" + requestId;
    }

    private String joinedKey(String model) {
        return prefix + "joined:" + model;
    }

    private String versionsKey(String model) {
        return prefix + "versions:" + model;
    }

    private static PredictionLogEntry parsePrediction(byte[] bytes) {
        try {
            return PredictionLogEntry.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored prediction is not a PredictionLogEntry", e);
        }
    }

    private static RecordOutcomeRequest parseOutcome(byte[] bytes) {
        try {
            return RecordOutcomeRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored outcome is not a RecordOutcomeRequest", e);
        }
    }
}
