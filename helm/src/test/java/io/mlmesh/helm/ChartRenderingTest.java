package io.mlmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the rendered chart must hold for every value set, then what each value set changes:
 * GPU scheduling, external stores, autoscaling, a throw-away install.
 */
class ChartRenderingTest {

    private static final List<String> SERVICES = List.of("feature-store-svc", "training-svc",
            "registry-svc", "inference-svc", "monitor-svc");
    private static final Map<String, Integer> PORTS = Map.of("feature-store-svc", 9101,
            "training-svc", 9102, "registry-svc", 9103, "inference-svc", 9104, "monitor-svc", 9105);
    private static final String GPU = "nvidia.com/gpu";

    @ParameterizedTest
    @ValueSource(strings = {"", "gpu.yaml", "external-stores.yaml", "autoscaling.yaml",
        "no-persistence.yaml", "tls.yaml"})
    void render_anyValueSet_everyContainerHasProbesAndResources(String valueFile) {
        RenderedChart chart = render(valueFile);

        assertFalse(chart.containers().isEmpty());
        for (Container container : chart.containers()) {
            String name = container.getName();
            assertNotNull(container.getReadinessProbe(), name + " readiness probe");
            assertNotNull(container.getLivenessProbe(), name + " liveness probe");
            Map<String, Quantity> requests = container.getResources().getRequests();
            Map<String, Quantity> limits = container.getResources().getLimits();
            assertTrue(requests.keySet().containsAll(Set.of("cpu", "memory")), name + requests);
            assertTrue(limits.keySet().containsAll(Set.of("cpu", "memory")), name + limits);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gpu.yaml", "external-stores.yaml", "autoscaling.yaml",
        "no-persistence.yaml"})
    void render_anyValueSet_servicesProbeGrpcHealthOnTheirPort(String valueFile) {
        RenderedChart chart = render(valueFile);

        for (String service : SERVICES) {
            Container container = RenderedChart.container(chart.named(Deployment.class, service));
            int port = PORTS.get(service);
            assertEquals(port, container.getPorts().get(0).getContainerPort(), service);
            for (Probe probe : List.of(container.getStartupProbe(),
                    container.getReadinessProbe(), container.getLivenessProbe())) {
                assertNotNull(probe.getGrpc(), service + " probes gRPC health");
                assertEquals(port, probe.getGrpc().getPort(), service);
            }
            assertEquals(String.valueOf(port), chart.settings(service).get("QUARKUS_HTTP_PORT"));
            assertNotNull(chart.named(PodDisruptionBudget.class, service), service + " PDB");
        }
    }

    @Test
    void render_defaults_inferenceServiceIsHeadlessAndOthersAreClusterIp() {
        RenderedChart chart = render("");

        Service inference = chart.named(Service.class, "inference-svc");
        assertEquals("None", inference.getSpec().getClusterIP());
        assertEquals(9104, inference.getSpec().getPorts().get(0).getPort());
        for (String service : List.of("feature-store-svc", "training-svc", "registry-svc",
                "monitor-svc")) {
            assertNull(chart.named(Service.class, service).getSpec().getClusterIP(), service);
        }
    }

    @Test
    void render_defaults_noGpuRequestedAnywhere() {
        RenderedChart chart = render("");

        assertFalse(chart.yaml().contains(GPU));
        for (PodSpec spec : chart.podSpecs()) {
            assertTrue(spec.getTolerations().isEmpty());
            assertNull(spec.getRuntimeClassName());
        }
    }

    @Test
    void render_gpuEnabled_onlyInferenceRequestsGpuWithSelectorAndToleration() {
        RenderedChart chart = render("gpu.yaml");

        Deployment inference = chart.named(Deployment.class, "inference-svc");
        PodSpec spec = inference.getSpec().getTemplate().getSpec();
        Map<String, Quantity> limits = RenderedChart.container(inference).getResources()
                .getLimits();
        assertEquals(new Quantity("1"), limits.get(GPU));
        assertEquals("true", spec.getNodeSelector().get("nvidia.com/gpu.present"));
        assertEquals(GPU, spec.getTolerations().get(0).getKey());
        assertEquals("NoSchedule", spec.getTolerations().get(0).getEffect());
        assertEquals("nvidia", spec.getRuntimeClassName());
        List<String> othersWithGpu = chart.all(Deployment.class).stream()
                .filter(deployment -> deployment != inference)
                .filter(deployment -> RenderedChart.container(deployment).getResources()
                        .getLimits().containsKey(GPU))
                .map(deployment -> deployment.getMetadata().getName()).toList();
        assertEquals(List.of(), othersWithGpu);
    }

    @Test
    void render_defaults_inChartStoresWiredIntoServices() {
        RenderedChart chart = render("");

        Set<String> statefulSets = names(chart.all(StatefulSet.class));
        assertEquals(Set.of("mlmesh-redis", "mlmesh-postgresql"), statefulSets);
        assertEquals("redis://mlmesh-redis:6379",
                chart.settings("feature-store-svc").get("MLMESH_FEATURESTORE_REDIS_URL"));
        Map<String, String> registry = chart.settings("registry-svc");
        assertEquals("jdbc:postgresql://mlmesh-postgresql:5432/mlmesh",
                registry.get("MLMESH_REGISTRY_JDBC_URL"));
        assertEquals("mlmesh", registry.get("MLMESH_REGISTRY_JDBC_USER"));
        assertEquals("mlmesh-postgresql", secretEnv(chart).get("MLMESH_REGISTRY_JDBC_PASSWORD")
                .getValueFrom().getSecretKeyRef().getName());
        Container postgresql = chart.named(StatefulSet.class, "postgresql").getSpec()
                .getTemplate().getSpec().getContainers().get(0);
        EnvVar serverPassword = postgresql.getEnv().stream()
                .filter(env -> env.getName().equals("POSTGRES_PASSWORD")).findFirst()
                .orElseThrow();
        assertEquals("mlmesh-postgresql", serverPassword.getValueFrom().getSecretKeyRef()
                .getName());
    }

    @Test
    void render_internalPostgresqlWithPassword_secretHoldsItAndIsNotAHook() {
        RenderedChart chart = RenderedChart.render(List.of(),
                Map.of("postgresql.auth.password", "s3cret-pw"));

        Secret secret = chart.named(Secret.class, "postgresql");
        assertEquals("s3cret-pw", secret.getStringData().get("password"));
        assertFalse(secret.getMetadata().getAnnotations().containsKey("helm.sh/hook"));
        assertFalse(chart.settings("registry-svc").toString().contains("s3cret-pw"));
    }

    @Test
    void render_externalStores_noStatefulSetAndExternalAddressesPassed() {
        RenderedChart chart = render("external-stores.yaml");

        assertEquals(List.of(), chart.all(StatefulSet.class));
        assertFalse(chart.yaml().contains("mlmesh-redis"));
        assertEquals("redis://redis.prod.example:6379",
                chart.settings("feature-store-svc").get("MLMESH_FEATURESTORE_REDIS_URL"));
        assertEquals("jdbc:postgresql://pg.prod.example:5432/mlmesh",
                chart.settings("registry-svc").get("MLMESH_REGISTRY_JDBC_URL"));
        Map<String, EnvVar> env = secretEnv(chart);
        EnvVar password = env.get("MLMESH_REGISTRY_JDBC_PASSWORD");
        assertEquals("mlmesh-db", password.getValueFrom().getSecretKeyRef().getName());
        assertEquals("db-password", password.getValueFrom().getSecretKeyRef().getKey());
        assertEquals("mlmesh-registry-tokens", env.get("MLMESH_REGISTRY_AUTH_WRITER_TOKENS")
                .getValueFrom().getSecretKeyRef().getName());
        assertEquals("mlmesh-pii", RenderedChart.container(chart.named(Deployment.class,
                "feature-store-svc")).getEnv().get(0).getValueFrom().getSecretKeyRef().getName());
        assertEquals(List.of(), chart.all(Secret.class), "every secret is the user's own");
    }

    @Test
    void render_secretsGiven_servicesReadThemFromSecretsNotConfigMaps() {
        RenderedChart chart = RenderedChart.render(List.of(), Map.of(
                "registry.auth.writerTokens[0]", "w-token-1",
                "registry.auth.writerTokens[1]", "w-token-2",
                "registry.auth.adminTokens[0]", "a-token",
                "featureStore.pii.hmacKey", "hmac-key-1"));

        Secret tokens = chart.named(Secret.class, "registry-auth");
        assertEquals("w-token-1,w-token-2", tokens.getStringData().get("writer-tokens"));
        assertEquals("a-token", tokens.getStringData().get("admin-tokens"));
        EnvVar admin = secretEnv(chart).get("MLMESH_REGISTRY_AUTH_ADMIN_TOKENS");
        assertEquals("mlmesh-registry-auth", admin.getValueFrom().getSecretKeyRef().getName());
        assertEquals("admin-tokens", admin.getValueFrom().getSecretKeyRef().getKey());
        Secret pii = chart.named(Secret.class, "feature-store-pii");
        assertEquals("hmac-key-1", pii.getStringData().get("pii-hmac-key"));
        EnvVar hmacKey = RenderedChart.container(chart.named(Deployment.class,
                "feature-store-svc")).getEnv().get(0);
        assertEquals("MLMESH_FEATURESTORE_PII_HMAC_KEY", hmacKey.getName());
        assertEquals("mlmesh-feature-store-pii", hmacKey.getValueFrom().getSecretKeyRef()
                .getName());
        String configMaps = chart.all(ConfigMap.class).toString();
        assertFalse(configMaps.contains("w-token-1"), configMaps);
        assertFalse(configMaps.contains("hmac-key-1"), configMaps);
    }

    @Test
    void render_writerTokensSet_trainingReadsFirstWriterTokenFromSecret() {
        RenderedChart chart = RenderedChart.render(List.of(), Map.of(
                "registry.auth.writerTokens[0]", "w-token-1",
                "registry.auth.writerTokens[1]", "w-token-2"));

        Secret tokens = chart.named(Secret.class, "registry-auth");
        assertEquals("w-token-1", tokens.getStringData().get("training-token"));
        EnvVar token = trainingEnv(chart).get("MLMESH_TRAINING_REGISTRY_TOKEN");
        assertNull(token.getValue());
        assertEquals("mlmesh-registry-auth", token.getValueFrom().getSecretKeyRef().getName());
        assertEquals("training-token", token.getValueFrom().getSecretKeyRef().getKey());
        assertFalse(chart.all(ConfigMap.class).toString().contains("w-token-1"));
    }

    @Test
    void render_existingAuthSecret_trainingReadsItsTrainingTokenKey() {
        RenderedChart chart = render("external-stores.yaml");

        EnvVar token = trainingEnv(chart).get("MLMESH_TRAINING_REGISTRY_TOKEN");
        assertEquals("mlmesh-registry-tokens", token.getValueFrom().getSecretKeyRef().getName());
        assertEquals("training-token", token.getValueFrom().getSecretKeyRef().getKey());
        assertTrue(token.getValueFrom().getSecretKeyRef().getOptional());
    }

    @Test
    void render_noRegistryTokens_trainingGetsNoTokenAndSecretNoTrainingKey() {
        RenderedChart chart = RenderedChart.render();

        assertEquals(Map.of(), trainingEnv(chart));
        assertFalse(chart.named(Secret.class, "registry-auth").getStringData()
                .containsKey("training-token"));
        assertFalse(chart.settings("training-svc").containsKey("MLMESH_TRAINING_REGISTRY_TOKEN"));
    }

    @Test
    void render_defaults_peersAndTracingPointAtChartServices() {
        RenderedChart chart = render("");

        for (String service : List.of("training-svc", "inference-svc")) {
            Map<String, String> settings = chart.settings(service);
            assertEquals("mlmesh-feature-store-svc",
                    settings.get("QUARKUS_GRPC_CLIENTS_FEATURESTORE_HOST"), service);
            assertEquals("9101", settings.get("QUARKUS_GRPC_CLIENTS_FEATURESTORE_PORT"));
            assertEquals("mlmesh-registry-svc", settings.get("QUARKUS_GRPC_CLIENTS_REGISTRY_HOST"));
            assertEquals("9103", settings.get("QUARKUS_GRPC_CLIENTS_REGISTRY_PORT"));
            assertEquals("PASSIVE", settings.get("OMP_WAIT_POLICY"));
        }
        assertEquals("mlmesh-feature-store-svc", chart.settings("monitor-svc")
                .get("QUARKUS_GRPC_CLIENTS_FEATURESTORE_HOST"), "monitor reads training sets");
        assertEquals("9101", chart.settings("monitor-svc")
                .get("QUARKUS_GRPC_CLIENTS_FEATURESTORE_PORT"));
        for (String service : List.of("feature-store-svc", "training-svc", "registry-svc",
                "inference-svc")) {
            assertEquals("http://mlmesh-monitor-svc:9105", chart.settings(service)
                    .get("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), service);
        }
        assertEquals("mlmesh/inference-svc:0.1.0", RenderedChart.container(
                chart.named(Deployment.class, "inference-svc")).getImage());
    }

    @Test
    void render_defaults_registryArtifactsOnAKeptVolumeClaim() {
        RenderedChart chart = render("");

        PersistentVolumeClaim claim = chart.named(PersistentVolumeClaim.class, "registry-svc");
        assertEquals(new Quantity("20Gi"), claim.getSpec().getResources().getRequests()
                .get("storage"));
        assertEquals("keep", claim.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
        Deployment registry = chart.named(Deployment.class, "registry-svc");
        assertEquals("mlmesh-registry-svc", registry.getSpec().getTemplate().getSpec()
                .getVolumes().stream().filter(volume -> volume.getName().equals("data"))
                .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());
        assertEquals("/data", chart.settings("registry-svc").get("MLMESH_REGISTRY_DATA_DIR"));
        assertEquals("Recreate", registry.getSpec().getStrategy().getType());
    }

    @Test
    void render_defaults_noAutoscalerAndNoServiceMonitor() {
        RenderedChart chart = render("");

        assertEquals(List.of(), chart.all(HorizontalPodAutoscaler.class));
        assertEquals(List.of(), chart.ofKind("ServiceMonitor"));
        assertEquals(2, chart.named(Deployment.class, "inference-svc").getSpec().getReplicas());
    }

    @Test
    void render_autoscalingOn_hpaOnCpuAndCustomMetricAndDeploymentLeavesReplicas() {
        RenderedChart chart = render("autoscaling.yaml");

        HorizontalPodAutoscaler hpa = chart.named(HorizontalPodAutoscaler.class, "inference-svc");
        assertEquals("mlmesh-inference-svc", hpa.getSpec().getScaleTargetRef().getName());
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(12, hpa.getSpec().getMaxReplicas());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertEquals(2, metrics.size());
        assertEquals("cpu", metrics.get(0).getResource().getName());
        assertEquals(60, metrics.get(0).getResource().getTarget().getAverageUtilization());
        assertEquals("mlmesh_inference_queue_depth",
                metrics.get(1).getPods().getMetric().getName());
        assertEquals(new Quantity("8"), metrics.get(1).getPods().getTarget().getAverageValue());
        assertNull(chart.named(Deployment.class, "inference-svc").getSpec().getReplicas());
    }

    @Test
    void render_autoscalingWithoutCustomMetric_hpaOnCpuOnly() {
        RenderedChart chart = RenderedChart.render(List.of(),
                Map.of("inference.autoscaling.enabled", "true"));

        HorizontalPodAutoscaler hpa = chart.named(HorizontalPodAutoscaler.class, "inference-svc");
        assertEquals(1, hpa.getSpec().getMetrics().size());
        assertEquals(70, hpa.getSpec().getMetrics().get(0).getResource().getTarget()
                .getAverageUtilization());
    }

    @Test
    void render_customMetricSwitchedOn_defaultsToTheInferenceQueueDepthGauge() {
        RenderedChart chart = RenderedChart.render(List.of(), Map.of(
                "inference.autoscaling.enabled", "true",
                "inference.autoscaling.customMetric.enabled", "true"));

        List<MetricSpec> metrics = chart.named(HorizontalPodAutoscaler.class, "inference-svc")
                .getSpec().getMetrics();
        assertEquals(2, metrics.size());
        assertEquals("Pods", metrics.get(1).getType());
        assertEquals("mlmesh_inference_queue_depth",
                metrics.get(1).getPods().getMetric().getName());
        assertEquals(new Quantity("8"), metrics.get(1).getPods().getTarget().getAverageValue());
    }

    @Test
    void render_serviceMonitorOn_scrapesQuarkusMetricsOfEveryService() {
        RenderedChart chart = render("autoscaling.yaml");

        List<HasMetadata> monitors = chart.ofKind("ServiceMonitor");
        assertEquals(1, monitors.size());
        GenericKubernetesResource monitor = (GenericKubernetesResource) monitors.get(0);
        assertEquals("prometheus", monitor.getMetadata().getLabels().get("release"));
        List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
        assertEquals("/q/metrics", endpoints.get(0).get("path"));
        assertEquals("grpc-http", endpoints.get(0).get("port"));
        List<Map<String, Object>> expressions = monitor.get("spec", "selector",
                "matchExpressions");
        assertEquals(Set.copyOf(SERVICES), Set.copyOf((List<?>) expressions.get(1).get("values")));
    }

    @Test
    void render_noPersistenceNoStores_emptyDirsInProcessStoreAndH2() {
        RenderedChart chart = render("no-persistence.yaml");

        assertEquals(List.of(), chart.all(StatefulSet.class));
        assertEquals(List.of(), chart.all(PersistentVolumeClaim.class));
        assertEquals("", chart.settings("feature-store-svc").get("MLMESH_FEATURESTORE_REDIS_URL"));
        assertEquals("", chart.settings("registry-svc").get("MLMESH_REGISTRY_JDBC_URL"));
        assertFalse(secretEnv(chart).containsKey("MLMESH_REGISTRY_JDBC_PASSWORD"));
        assertEquals("true", chart.settings("inference-svc").get("QUARKUS_OTEL_SDK_DISABLED"));
        assertNotNull(chart.named(Deployment.class, "registry-svc").getSpec().getTemplate()
                .getSpec().getVolumes().stream().filter(v -> v.getName().equals("data"))
                .findFirst().orElseThrow().getEmptyDir());
    }

    private static RenderedChart render(String valueFile) {
        return valueFile.isEmpty() ? RenderedChart.render() : RenderedChart.render(valueFile);
    }

    private static Map<String, EnvVar> secretEnv(RenderedChart chart) {
        return RenderedChart.container(chart.named(Deployment.class, "registry-svc")).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, env -> env));
    }

    private static Map<String, EnvVar> trainingEnv(RenderedChart chart) {
        return RenderedChart.container(chart.named(Deployment.class, "training-svc")).getEnv()
                .stream().collect(Collectors.toMap(EnvVar::getName, env -> env));
    }

    private static Set<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(object -> object.getMetadata().getName())
                .collect(Collectors.toSet());
    }
}
