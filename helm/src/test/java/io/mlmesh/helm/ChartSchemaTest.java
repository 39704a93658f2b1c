package io.mlmesh.helm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json turns a wrong value into an install-time failure whose message names the
 * value. Helm checks the schema before rendering, so {@code helm template} fails as
 * {@code helm install} would.
 */
class ChartSchemaTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
        inference.replicas|two|Invalid type. Expected: integer, given: string
        inference.gpu.enabled|yes|Invalid type. Expected: boolean, given: string
        redis.mode|cluster|redis.mode must be one of the following: "internal", "external", "none"
        inference.resources.limits.memory|2 gigs|Does not match pattern
        inference.autoscaling.targetCPUUtilizationPercentage|150|Must be less than or equal to 100
        training.peerTimeout|ten minutes|Does not match pattern '^[0-9]+(ms|s|m|h|d)$'
        serviceMonitor.enabled|1|Invalid type. Expected: boolean, given: integer
        inference.autoscaling.customMetric.name|queue depth|Does not match pattern
        tls.enabled|on|Invalid type. Expected: boolean, given: string
        """)
    void template_wrongValue_failsNamingTheValue(String key, String value, String problem) {
        String message = rejection(Map.of(key, value));

        assertTrue(message.contains(key + ": " + problem), message);
    }

    @Test
    void template_externalRedisWithoutUrl_failsNamingUrl() {
        String message = rejection(Map.of("redis.mode", "external"));

        assertTrue(message.contains("redis.url: Does not match pattern '^rediss?://.+'"),
                message);
    }

    @Test
    void template_misspelledTopLevelKey_failsNamingTheKey() {
        String message = rejection(Map.of("inferense.replicas", "3"));

        assertTrue(message.contains("Additional property inferense is not allowed"), message);
    }

    @Test
    void template_externalPostgresqlWithHttpUrl_failsNamingJdbcUrl() {
        String message = rejection(Map.of("postgresql.mode", "external",
                "postgresql.jdbcUrl", "http://pg:5432/mlmesh"));

        assertTrue(message.contains("postgresql.jdbcUrl: Does not match pattern"), message);
    }

    private static String rejection(Map<String, Object> setValues) {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RenderedChart.render(List.of(), setValues));
        String message = failure.getMessage();
        assertTrue(message.contains("values don't meet the specifications of the schema"),
                message);
        return message;
    }
}
