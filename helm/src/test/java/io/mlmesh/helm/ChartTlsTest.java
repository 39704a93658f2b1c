package io.mlmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * TLS material: a Secret (the chart's or the user's) mounted into every service, and the Quarkus
 * TLS registry settings that serve the one port over TLS, make the peers trust the CA and
 * send traces over TLS; probes switch to HTTPS health because kubelet gRPC probes are plaintext.
 */
class ChartTlsTest {

    private static final String TLS_DIR = "/etc/mlmesh/tls";
    private static final String PROPERTIES = "/etc/mlmesh/tls-config/tls.properties";

    @Test
    void render_tlsFromValues_secretHoldsPemAndCaDefaultsToTheCertificate() {
        RenderedChart chart = RenderedChart.render("tls.yaml");

        Secret secret = chart.named(Secret.class, "tls");
        assertEquals("kubernetes.io/tls", secret.getType());
        Map<String, String> data = secret.getStringData();
        assertTrue(data.get("tls.crt").startsWith("-----BEGIN CERTIFICATE-----"), data.keySet()
                .toString());
        assertTrue(data.get("tls.key").startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(data.get("tls.crt"), data.get("ca.crt"));
        String configMaps = chart.all(ConfigMap.class).toString();
        assertFalse(configMaps.contains("placeholder-server-key"), "key only in the Secret");
    }

    @Test
    void render_tlsFromValues_everyServiceMountsTheSecretAndReadsTheTlsSettings() {
        RenderedChart chart = RenderedChart.render("tls.yaml");

        for (Deployment deployment : chart.all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            PodSpec spec = deployment.getSpec().getTemplate().getSpec();
            assertEquals("mlmesh-tls", volume(spec, "tls").getSecret().getSecretName(), name);
            assertEquals("mlmesh-tls", volume(spec, "tls-config").getConfigMap().getName());
            Container container = spec.getContainers().get(0);
            VolumeMount mount = mount(container, "tls");
            assertEquals(TLS_DIR, mount.getMountPath(), name);
            assertTrue(mount.getReadOnly(), name);
            assertEquals("/etc/mlmesh/tls-config", mount(container, "tls-config")
                    .getMountPath());
        }
        for (String service : List.of("feature-store-svc", "training-svc", "registry-svc",
                "inference-svc", "monitor-svc")) {
            assertEquals(PROPERTIES, chart.settings(service).get("QUARKUS_CONFIG_LOCATIONS"),
                    service);
        }
    }

    @Test
    void render_tlsFromValues_quarkusServesTheServicePortOverTlsOnly() throws IOException {
        Properties tls = tlsProperties(RenderedChart.render("tls.yaml"));

        String bucket = "quarkus.tls.mlmesh.";
        assertEquals(TLS_DIR + "/tls.crt", tls.get(bucket + "key-store.pem.service.cert"));
        assertEquals(TLS_DIR + "/tls.key", tls.get(bucket + "key-store.pem.service.key"));
        assertEquals(TLS_DIR + "/ca.crt", tls.get(bucket + "trust-store.pem.certs"));
        assertEquals("1h", tls.get(bucket + "reload-period"));
        assertEquals("mlmesh", tls.get("quarkus.http.tls-configuration-name"));
        assertEquals("${quarkus.http.port}", tls.get("quarkus.http.ssl-port"));
        assertEquals("disabled", tls.get("quarkus.http.insecure-requests"));
    }

    @Test
    void render_tlsFromValues_peersAndTracesUseTlsTrustingTheCa() throws IOException {
        RenderedChart chart = RenderedChart.render("tls.yaml");
        Properties tls = tlsProperties(chart);

        for (String client : List.of("featurestore", "registry")) {
            String prefix = "quarkus.grpc.clients." + client;
            assertEquals("false", tls.get(prefix + ".plain-text"), client);
            assertEquals(TLS_DIR + "/ca.crt", tls.get(prefix + ".ssl.trust-store"), client);
        }
        assertEquals("mlmesh",
                tls.get("quarkus.otel.exporter.otlp.traces.tls-configuration-name"));
        assertEquals("https://mlmesh-monitor-svc:9105", chart.settings("inference-svc")
                .get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    @Test
    void render_tlsFromValues_probesCheckHealthOverHttps() {
        RenderedChart chart = RenderedChart.render("tls.yaml");

        for (Deployment deployment : chart.all(Deployment.class)) {
            Container container = RenderedChart.container(deployment);
            int port = container.getPorts().get(0).getContainerPort();
            Map<String, Probe> probes = Map.of(
                    "/q/health/started", container.getStartupProbe(),
                    "/q/health/ready", container.getReadinessProbe(),
                    "/q/health/live", container.getLivenessProbe());
            probes.forEach((path, probe) -> {
                assertNull(probe.getGrpc(), container.getName() + " gRPC probes are plaintext");
                assertEquals("HTTPS", probe.getHttpGet().getScheme());
                assertEquals(path, probe.getHttpGet().getPath());
                assertEquals(port, probe.getHttpGet().getPort().getIntVal());
            });
        }
    }

    @Test
    void render_tlsFromValues_serviceMonitorScrapesOverHttps() {
        RenderedChart chart = RenderedChart.render("tls.yaml");

        GenericKubernetesResource monitor = (GenericKubernetesResource) chart
                .ofKind("ServiceMonitor").get(0);
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertEquals("https", endpoints.get(0).get("scheme"));
        assertEquals(Map.of("insecureSkipVerify", true), endpoints.get(0).get("tlsConfig"));
    }

    @Test
    void render_tlsWithExistingSecret_noSecretRenderedAndPodsMountTheUsersSecret() {
        RenderedChart chart = RenderedChart.render(List.of(), Map.of("tls.enabled", "true",
                "tls.existingSecret", "mlmesh-cert-manager"));

        assertTrue(chart.all(Secret.class).stream()
                .noneMatch(secret -> secret.getMetadata().getName().equals("mlmesh-tls")));
        PodSpec spec = chart.named(Deployment.class, "inference-svc").getSpec().getTemplate()
                .getSpec();
        assertEquals("mlmesh-cert-manager", volume(spec, "tls").getSecret().getSecretName());
        assertNotNull(chart.named(ConfigMap.class, "tls").getData().get("tls.properties"));
    }

    @Test
    void render_defaults_noTlsMaterialAndPlaintextGrpcProbes() {
        RenderedChart chart = RenderedChart.render();

        assertFalse(chart.yaml().contains("mlmesh-tls"));
        for (Deployment deployment : chart.all(Deployment.class)) {
            Container container = RenderedChart.container(deployment);
            assertNotNull(container.getReadinessProbe().getGrpc(), container.getName());
            assertFalse(container.getVolumeMounts().stream()
                    .anyMatch(mount -> mount.getName().startsWith("tls")), container.getName());
        }
        assertNull(chart.settings("inference-svc").get("QUARKUS_CONFIG_LOCATIONS"));
    }

    @Test
    void template_tlsEnabledWithoutCertificate_failsNamingCert() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RenderedChart.render(List.of(), Map.of("tls.enabled", "true")));

        assertTrue(failure.getMessage().contains(
                "tls.cert: Does not match pattern '^-----BEGIN CERTIFICATE-----'"),
                failure.getMessage());
    }

    @Test
    void template_tlsKeyNotPem_failsNamingKey() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> RenderedChart.render(List.of("tls.yaml"), Map.of("tls.key", "secret")));

        assertTrue(failure.getMessage().contains("tls.key: Does not match pattern"),
                failure.getMessage());
    }

    private static Properties tlsProperties(RenderedChart chart) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(chart.named(ConfigMap.class, "tls").getData()
                .get("tls.properties")));
        return properties;
    }

    private static Volume volume(PodSpec spec, String name) {
        return spec.getVolumes().stream().filter(volume -> volume.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("volume " + name));
    }

    private static VolumeMount mount(Container container, String name) {
        return container.getVolumeMounts().stream()
                .filter(mount -> mount.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mount " + name));
    }
}
