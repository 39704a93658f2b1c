package io.mlmesh.registry.store;

import io.mlmesh.registry.events.RegistryEvent;
import java.util.List;

/**
 * A slice of the event log.
 *
 * @param events matching events, oldest first
 * @param coveredRevision every event up to this revision was considered: read the next page
 *     after it; equal to the log's head when {@code complete}
 * @param complete true when no committed event after {@code coveredRevision} existed
 */
public record EventPage(List<RegistryEvent> events, long coveredRevision, boolean complete) {}
