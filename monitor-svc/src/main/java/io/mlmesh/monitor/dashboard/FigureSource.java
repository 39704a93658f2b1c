package io.mlmesh.monitor.dashboard;

import java.util.List;

/**
 * Current figures for the dashboard, read by the {@link HistorySampler} at every sample and
 * kept as history there. Every CDI bean implementing it is found at start.
 *
 * <p>Called on the sampler's single thread. A source that cannot read now (its store is down)
 * returns what it can and says why in its own log; an exception skips its figures for that
 * sample only.
 */
public interface FigureSource {

    /** The figures now; each (chart, series) at most once. */
    List<Figure> read();
}
