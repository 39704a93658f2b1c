package io.mlmesh.monitor.dashboard;

import io.mlmesh.monitor.config.DashboardConfig;
import io.mlmesh.monitor.slo.ObjectiveMonitor;
import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The dashboard over HTTP, on the service port: {@code GET /dashboard} is the page,
 * {@code GET /dashboard/series} the charts and open alerts it draws, as JSON. The page's script
 * and the uPlot charting library are static files of this jar and of uPlot's WebJar, so the
 * page needs nothing from the internet.
 *
 * <p>Created at start, so that a bad {@code refresh-interval} stops the start. Runs on worker
 * threads; every {@link ChartSource} is asked at each request.
 */
@Path("/dashboard")
@Startup
public final class DashboardResource {

    private static final String PAGE = "dashboard/page.html";
    private static final long MIN_REFRESH_MILLIS = 100;

    private final List<ChartSource> sources;
    private final ObjectiveMonitor objectives;
    private final HistorySampler sampler;
    private final long refreshMillis;
    private final String page;

    DashboardResource(@All List<ChartSource> sources, ObjectiveMonitor objectives,
            HistorySampler sampler, DashboardConfig config) {
        if (config.refreshInterval().toMillis() < MIN_REFRESH_MILLIS) {
            throw new IllegalStateException("mlmesh.monitor.dashboard.refresh-interval must be"
                    + " at least 100ms, got " + config.refreshInterval());
        }
        this.sources = List.copyOf(sources);
        this.objectives = objectives;
        this.sampler = sampler;
        this.refreshMillis = config.refreshInterval().toMillis();
        this.page = readPage();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        return page;
    }

    @GET
    @Path("series")
    @Produces(MediaType.APPLICATION_JSON)
    public DashboardView series() {
        List<Chart> charts = new ArrayList<>();
        sources.forEach(source -> charts.addAll(source.charts()));
        charts.sort(Comparator.comparing(Chart::panel));

        List<AlertRow> alerts = objectives.openAlerts().stream().map(AlertRow::of).toList();
        return new DashboardView(refreshMillis, sampler.sampleIntervalMillis(), charts, alerts);
    }

    private static String readPage() {
        try (InputStream in = DashboardResource.class.getClassLoader()
                .getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard page " + PAGE
                        + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard page " + PAGE, e);
        }
    }
}
