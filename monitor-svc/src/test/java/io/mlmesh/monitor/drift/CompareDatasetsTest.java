package io.mlmesh.monitor.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.mlmesh.featurestore.v1.GetTrainingSetRequest;
import io.mlmesh.featurestore.v1.ViewJoin;
import io.mlmesh.monitor.v1.ColumnDrift;
import io.mlmesh.monitor.v1.CompareDatasetsRequest;
import io.mlmesh.monitor.v1.DatasetDrift;
import io.mlmesh.monitor.v1.DriftMethod;
import io.mlmesh.monitor.v1.DriftVerdict;
import io.mlmesh.monitor.v1.FeatureKind;
import io.mlmesh.monitor.v1.MonitorGrpc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CompareDatasets} on the running monitor-svc over real gRPC, with an in-test gRPC
 * server standing in for the feature store that streams the real flights sample
 * ({@link FlightsFeatureStorePeer}). The real feature store is exercised together with this
 * service by the lead's end-to-end test. Expected figures are scipy's on the same rows (see
 * core's FlightsDriftTest).
 */
@QuarkusTest
@QuarkusTestResource(FeatureStorePort.class)
class CompareDatasetsTest {

    private static final List<String> COLUMNS = List.of("delay", "distance", "origin", "date",
            FlightsFeatureStorePeer.LATE_SHARE);
    private static Server featureStore;

    @TestHTTPResource("/")
    URL serviceUrl;

    private ManagedChannel channel;
    private MonitorGrpc.MonitorBlockingStub monitor;

    @BeforeAll
    static void startFeatureStore() throws IOException {
        int port = ConfigProvider.getConfig().getValue(FeatureStorePort.PROPERTY, Integer.class);
        featureStore = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new FlightsFeatureStorePeer())
                .build()
                .start();
    }

    @AfterAll
    static void stopFeatureStore() {
        featureStore.shutdownNow();
    }

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress(serviceUrl.getHost(), serviceUrl.getPort())
                .usePlaintext().build();
        monitor = MonitorGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void compareDatasets_januaryFebruaryAgainstMarch_scipyFiguresAndNoDatasetDrift() {
        DatasetDrift drift = monitor.compareDatasets(request(months(1, 3), months(3, 4)));

        assertEquals(12901, drift.getReferenceRows());
        assertEquals(7099, drift.getCurrentRows());
        assertEquals("flights-12901", drift.getReferenceSha256());
        assertEquals(COLUMNS, drift.getColumnsList().stream().map(ColumnDrift::getColumn)
                .toList());
        ColumnDrift delay = drift.getColumns(0);
        assertEquals(FeatureKind.FEATURE_KIND_NUMERIC, delay.getKind());
        assertEquals(DriftMethod.DRIFT_METHOD_WASSERSTEIN_NORMED, delay.getMethod());
        assertEquals(0.02712859369967633, delay.getScore(), 1e-9);
        assertEquals(0.0033276395106601555, delay.getPsi(), 1e-9);
        assertEquals(0.1, delay.getThreshold(), 1e-12);
        assertEquals(0.028451418236044704, drift.getColumns(1).getScore(), 1e-9);
        ColumnDrift origin = drift.getColumns(2);
        assertEquals(FeatureKind.FEATURE_KIND_CATEGORICAL, origin.getKind());
        assertEquals(DriftMethod.DRIFT_METHOD_JENSEN_SHANNON, origin.getMethod());
        assertEquals(0.07057603255844805, origin.getScore(), 1e-9);
        assertEquals(0.01289167112329579, drift.getColumns(3).getScore(), 1e-9);
        assertEquals(DriftVerdict.DRIFT_VERDICT_NO_DRIFT, drift.getVerdict());
        assertEquals(1, drift.getDriftedCount());
        assertEquals(5, drift.getTestedCount());
        assertFalse(drift.getDatasetDrift());
    }

    @Test
    void compareDatasets_joinedFeatureWithMissingValues_countedAndDrifts() {
        DatasetDrift drift = monitor.compareDatasets(request(months(1, 3), months(3, 4)));

        ColumnDrift lateShare = drift.getColumns(4);
        assertEquals(12901 - 215, lateShare.getReferenceCount());
        assertEquals(215.0 / 12901, lateShare.getReferenceMissingShare(), 1e-12);
        assertEquals(5.0 / 7099, lateShare.getCurrentMissingShare(), 1e-12);
        assertEquals(0.28156560956080595, lateShare.getScore(), 1e-9);
        assertEquals(0.31057586338796145, lateShare.getPsi(), 1e-9);
        assertTrue(lateShare.getPsiAboveThreshold());
        assertEquals(DriftVerdict.DRIFT_VERDICT_DRIFT, lateShare.getVerdict());
    }

    @Test
    void compareDatasets_sameMonth_noColumnDrifts() {
        DatasetDrift drift = monitor.compareDatasets(request(months(1, 2), months(1, 2)));

        assertEquals(0, drift.getDriftedCount());
        drift.getColumnsList().forEach(column -> assertEquals(0, column.getPsi(), 1e-12,
                column.getColumn()));
    }

    @Test
    void compareDatasets_smallReference_statisticalTests() {
        GetTrainingSetRequest firstDay = range(LocalDate.of(2001, 1, 2), LocalDate.of(2001, 1,
                3));

        DatasetDrift drift = monitor.compareDatasets(request(firstDay, months(3, 4)));

        assertTrue(drift.getReferenceRows() <= 1000, "rows " + drift.getReferenceRows());
        assertEquals(DriftMethod.DRIFT_METHOD_KOLMOGOROV_SMIRNOV, drift.getColumns(0)
                .getMethod());
        assertEquals(DriftMethod.DRIFT_METHOD_CHI_SQUARE, drift.getColumns(2).getMethod());
        assertTrue(drift.getColumns(2).getNote().contains("absent from the reference"),
                drift.getColumns(2).getNote());
        drift.getColumnsList().forEach(column -> assertTrue(Double.isFinite(column.getScore())
                && Double.isFinite(column.getStatistic()), column.toString()));
    }

    @Test
    void compareDatasets_emptyCurrentSet_insufficientDataNotAnError() {
        DatasetDrift drift = monitor.compareDatasets(request(months(1, 3), months(4, 5)));

        assertEquals(0, drift.getCurrentRows());
        assertEquals(DriftVerdict.DRIFT_VERDICT_INSUFFICIENT_DATA, drift.getVerdict());
        assertEquals(0, drift.getTestedCount());
        drift.getColumnsList().forEach(column -> {
            assertEquals(DriftVerdict.DRIFT_VERDICT_INSUFFICIENT_DATA, column.getVerdict());
            assertFalse(column.getDrifted());
        });
    }

    @Test
    void compareDatasets_missingOrBlankFields_invalidArgumentNamingField() {
        CompareDatasetsRequest valid = request(months(1, 3), months(3, 4));

        assertRefused(Status.Code.INVALID_ARGUMENT, "reference: required",
                valid.toBuilder().clearReference().build());
        assertRefused(Status.Code.INVALID_ARGUMENT, "current.source: required",
                valid.toBuilder().setCurrent(valid.getCurrent().toBuilder().setSource(" "))
                        .build());
        assertRefused(Status.Code.INVALID_ARGUMENT, "columns: at least one column is required",
                valid.toBuilder().clearColumns().build());
        assertRefused(Status.Code.INVALID_ARGUMENT, "columns[1]: 'delay' is listed twice",
                valid.toBuilder().clearColumns().addColumns("delay").addColumns("delay")
                        .build());
        assertEquals(5, monitor.compareDatasets(valid).getColumnsCount(), "still serving");
    }

    @Test
    void compareDatasets_columnNotInSet_invalidArgumentNamingColumnAndSet() {
        CompareDatasetsRequest request = request(months(1, 3), months(3, 4)).toBuilder()
                .setCurrent(months(3, 4).toBuilder().clearJoins())
                .build();

        assertRefused(Status.Code.INVALID_ARGUMENT, "columns: '"
                + FlightsFeatureStorePeer.LATE_SHARE + "' is not in the current set, whose"
                + " columns are", request);
    }

    @Test
    void compareDatasets_featureStoreRefusesColumn_invalidArgumentPassedOn() {
        CompareDatasetsRequest request = request(months(1, 3), months(3, 4)).toBuilder()
                .setReference(months(1, 3).toBuilder().addColumns("weather"))
                .build();

        assertRefused(Status.Code.INVALID_ARGUMENT, "reference: feature store GetTrainingSet"
                + " (source 'flights') failed with INVALID_ARGUMENT: columns[5] 'weather' is"
                + " not a column of source 'flights'", request);
    }

    @Test
    void compareDatasets_unknownSourceOrView_notFoundNamingIt() {
        CompareDatasetsRequest valid = request(months(1, 3), months(3, 4));

        assertRefused(Status.Code.NOT_FOUND, "reference: feature store GetTrainingSet (source"
                + " 'flights_2002') failed with NOT_FOUND: source 'flights_2002' is not"
                + " registered", valid.toBuilder().setReference(valid.getReference()
                        .toBuilder().setSource("flights_2002")).build());
        assertRefused(Status.Code.NOT_FOUND, "current: feature store GetTrainingSet (source"
                + " 'flights') failed with NOT_FOUND: joins[0].view 'weather_7d' does not"
                + " exist", valid.toBuilder().setCurrent(valid.getCurrent().toBuilder()
                        .setJoins(0, ViewJoin.newBuilder().setView("weather_7d"))).build());
    }

    private void assertRefused(Status.Code code, String descriptionStart,
            CompareDatasetsRequest request) {
        StatusRuntimeException thrown = assertThrows(StatusRuntimeException.class,
                () -> monitor.compareDatasets(request));

        assertEquals(code, thrown.getStatus().getCode(), thrown.getStatus().toString());
        assertTrue(thrown.getStatus().getDescription().startsWith(descriptionStart),
                thrown.getStatus().getDescription());
    }

    private static CompareDatasetsRequest request(GetTrainingSetRequest reference,
            GetTrainingSetRequest current) {
        return CompareDatasetsRequest.newBuilder()
                .setReference(reference)
                .setCurrent(current)
                .addAllColumns(COLUMNS)
                .build();
    }

    private static GetTrainingSetRequest months(int firstMonth, int endMonth) {
        return range(LocalDate.of(2001, firstMonth, 1), LocalDate.of(2001, endMonth, 1));
    }

    private static GetTrainingSetRequest range(LocalDate start, LocalDate end) {
        return GetTrainingSetRequest.newBuilder()
                .setSource(FlightsFeatureStorePeer.SOURCE)
                .addAllColumns(List.of("date", "delay", "distance", "origin", "destination"))
                .addJoins(ViewJoin.newBuilder().setView(FlightsFeatureStorePeer.VIEW)
                        .setEntityColumn("origin"))
                .setStart(startOf(start))
                .setEnd(startOf(end))
                .build();
    }

    private static Timestamp startOf(LocalDate day) {
        return Timestamp.newBuilder()
                .setSeconds(day.atStartOfDay().toEpochSecond(ZoneOffset.UTC)).build();
    }
}
