package io.mlmesh.training.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.mlmesh.training.v1.Job;
import io.mlmesh.training.v1.JobState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * The jobs of this service, in memory and as one JSON file per job under the data folder.
 *
 * <p>Design: every change goes through {@link #update}, which replaces the job (an immutable
 * protobuf message) under one private lock and tells the job's watchers while still holding it.
 * Watchers therefore see changes in the order they happened and never miss one between the
 * snapshot they start from and the next change. A file is rewritten (to a temporary file, then
 * moved over the old one) when the state changes, not on every boosting round: a job found
 * unfinished at start is failed anyway, so its progress is not worth a disk write per round.
 *
 * <p>Thread-safe: gRPC threads read and watch, the job runner's thread updates.
 */
public final class JobStore {

    /** The error a job found unfinished at start ends with. */
    public static final String INTERRUPTED_ERROR = "interrupted by a restart";

    private static final Logger LOG = Logger.getLogger(JobStore.class);
    private static final String FILE_SUFFIX = ".json";

    private final Object lock = new Object();
    private final Map<String, Job> jobsById = new LinkedHashMap<>();
    private final Map<String, List<JobWatcher>> watchersById = new HashMap<>();
    private final Path dataDir;
    private final Clock clock;

    /**
     * Opens the store, reading every job file in {@code dataDir} (created when absent). Jobs
     * found queued or running become FAILED with {@link #INTERRUPTED_ERROR}.
     *
     * @throws UncheckedIOException when the folder cannot be created or read
     */
    public JobStore(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
        createDataDir();
        loadJobs();
    }

    /** Adds a new job and writes it to disk. */
    public Job add(Job job) {
        synchronized (lock) {
            jobsById.put(job.getId(), job);
            save(job);
            return job;
        }
    }

    /**
     * The job with this id.
     *
     * @throws JobNotFoundException when there is none
     */
    public Job get(String jobId) {
        synchronized (lock) {
            Job job = jobsById.get(jobId);
            if (job == null) {
                throw new JobNotFoundException(jobId);
            }
            return job;
        }
    }

    /** Every job, oldest first. */
    public List<Job> list() {
        synchronized (lock) {
            return List.copyOf(jobsById.values());
        }
    }

    /**
     * Replaces a job by what {@code change} makes of it, saves it when its state changed and
     * tells its watchers. A job that ends gets its finish time and loses its watchers.
     *
     * @throws JobNotFoundException when no job has this id
     */
    public Job update(String jobId, UnaryOperator<Job> change) {
        synchronized (lock) {
            Job before = get(jobId);
            Job after = stampFinish(before, change.apply(before));
            if (after.equals(before)) {
                return before;
            }
            jobsById.put(jobId, after);
            if (after.getState() != before.getState()) {
                save(after);
            }
            notifyWatchers(after);
            return after;
        }
    }

    /**
     * Registers a watcher and hands it the job as it is now; it then gets every change until
     * the job ends. A job that already ended is handed over once.
     *
     * @throws JobNotFoundException when no job has this id
     */
    public void watch(String jobId, JobWatcher watcher) {
        synchronized (lock) {
            Job job = get(jobId);
            watcher.onChange(job);
            if (!isFinished(job.getState())) {
                watchersById.computeIfAbsent(jobId, id -> new ArrayList<>()).add(watcher);
            }
        }
    }

    /** Forgets a watcher, for example when its client went away. */
    public void unwatch(String jobId, JobWatcher watcher) {
        synchronized (lock) {
            List<JobWatcher> watchers = watchersById.get(jobId);
            if (watchers != null) {
                watchers.remove(watcher);
            }
        }
    }

    /** Whether a job in this state has ended for good. */
    public static boolean isFinished(JobState state) {
        return state == JobState.JOB_STATE_SUCCEEDED
                || state == JobState.JOB_STATE_FAILED
                || state == JobState.JOB_STATE_CANCELLED;
    }

    /** The current time as a protobuf timestamp. */
    public Timestamp now() {
        Instant now = clock.instant();
        return Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
    }

    private Job stampFinish(Job before, Job after) {
        if (isFinished(before.getState()) || !isFinished(after.getState())) {
            return after;
        }
        return after.toBuilder().setFinishedAt(now()).build();
    }

    private void notifyWatchers(Job job) {
        List<JobWatcher> watchers = watchersById.getOrDefault(job.getId(), List.of());
        for (JobWatcher watcher : List.copyOf(watchers)) {
            watcher.onChange(job);
        }
        if (isFinished(job.getState())) {
            watchersById.remove(job.getId());
        }
    }

    private void createDataDir() {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data dir " + dataDir, e);
        }
    }

    private void loadJobs() {
        List<Job> loaded = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, "*" + FILE_SUFFIX)) {
            for (Path file : files) {
                loaded.add(read(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jobs in " + dataDir, e);
        }
        loaded.sort(Comparator.comparing(Job::getCreatedAt, Timestamps.comparator()));
        loaded.forEach(job -> jobsById.put(job.getId(), failIfUnfinished(job)));
        LOG.infof("jobs loaded dir=%s count=%d", dataDir, loaded.size());
    }

    private Job failIfUnfinished(Job job) {
        if (isFinished(job.getState())) {
            return job;
        }
        Job failed = job.toBuilder()
                .setState(JobState.JOB_STATE_FAILED)
                .setError(INTERRUPTED_ERROR)
                .setFinishedAt(now())
                .build();
        save(failed);
        LOG.warnf("job=%s was %s at start: now FAILED", job.getId(), job.getState().name());
        return failed;
    }

    private static Job read(Path file) throws IOException {
        Job.Builder job = Job.newBuilder();
        try {
            JsonFormat.parser().ignoringUnknownFields()
                    .merge(Files.readString(file, StandardCharsets.UTF_8), job);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("job file " + file + " is not a job: " + e.getMessage(), e);
        }
        return job.build();
    }

    private void save(Job job) {
        Path file = dataDir.resolve(job.getId() + FILE_SUFFIX);
        Path temporary = dataDir.resolve(job.getId() + FILE_SUFFIX + ".tmp");
        try {
            Files.writeString(temporary, JsonFormat.printer().print(job), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job file " + file, e);
        }
    }
}
